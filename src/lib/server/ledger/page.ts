import { chinaMonth } from '$lib/domain/ledger';
import { isMonthInRange } from '$lib/domain/input';

/** The statement month a page shows: ?month=YYYY-MM when valid, else the current China month. */
export function pageMonth(url: URL, now: Date = new Date()): string {
	const m = url.searchParams.get('month') ?? '';
	return isMonthInRange(m) ? m : chinaMonth(now);
}
