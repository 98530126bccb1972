import { rooms } from '$lib/realtime/events';
import { currentIo } from '../realtime/io';

// Counter publishing belongs to the stock module; re-exported for the live module's callers.
export { publishLockChanges, publishShowLots, showLotCounters } from '../stock/watch';

export function publishShowChanged(show: {
	id: string;
	status: 'scheduled' | 'live' | 'ended' | 'cancelled';
	currentSlotId: string | null;
}): void {
	currentIo()?.to(rooms.show(show.id)).emit('ShowChangedV1', {
		showId: show.id,
		status: show.status,
		currentSlotId: show.currentSlotId,
		at: new Date().toISOString()
	});
}
