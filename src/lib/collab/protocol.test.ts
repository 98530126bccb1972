import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import {
	MESSAGE_SAVED,
	carriesDocContent,
	encodeSaved,
	installSavedHandler,
	isSaved,
	withSaveTracking
} from './protocol';

function syncMessage(write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 0);
	write(e);
	return encoding.toUint8Array(e);
}

describe('saved acknowledgement protocol', () => {
	const doc = new Y.Doc();
	doc.getText('t').insert(0, 'x');
	const step1 = syncMessage((e) => syncProtocol.writeSyncStep1(e, doc));
	const step2 = syncMessage((e) => syncProtocol.writeSyncStep2(e, doc));
	const update = syncMessage((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc)));

	it('counts sync step 2 and updates as content, not step 1 or awareness', () => {
		expect(carriesDocContent(step1)).toBe(false);
		expect(carriesDocContent(step2)).toBe(true);
		expect(carriesDocContent(update.buffer)).toBe(true);
		expect(carriesDocContent(new Uint8Array([1, 0]))).toBe(false);
		expect(carriesDocContent('text')).toBe(false);
	});

	it('shows saved only when connected, synced and every content message is acknowledged', () => {
		class FakeSocket {
			sent: unknown[] = [];
			send(data: unknown) {
				this.sent.push(data);
			}
		}
		const Tracked = withSaveTracking(FakeSocket);
		const ws = new Tracked();
		const provider = {
			ws: ws as unknown,
			wsconnected: true,
			synced: true,
			messageHandlers: [] as never[]
		};
		let acks = 0;
		installSavedHandler(provider, () => acks++);
		ws.send(step1);
		expect(isSaved(provider)).toBe(true);
		ws.send(step2);
		ws.send(update);
		expect(ws.sent).toHaveLength(3);
		expect(ws.sentContent).toBe(2);
		expect(isSaved(provider)).toBe(false);
		const handle = (n: number) => {
			const d = decoding.createDecoder(encodeSaved(n));
			expect(decoding.readVarUint(d)).toBe(MESSAGE_SAVED);
			(provider.messageHandlers[MESSAGE_SAVED] as unknown as (...a: unknown[]) => void)(
				encoding.createEncoder(),
				d,
				provider,
				true,
				MESSAGE_SAVED
			);
		};
		handle(1);
		expect(isSaved(provider)).toBe(false);
		handle(2);
		expect(acks).toBe(2);
		expect(isSaved(provider)).toBe(true);
		provider.wsconnected = false;
		expect(isSaved(provider)).toBe(false);
	});
});
