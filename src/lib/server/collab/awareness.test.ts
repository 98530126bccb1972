import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
	chunkAwarenessEntries,
	decodeAwarenessEntries,
	encodeAwarenessEntries,
	isRemoval
} from './awareness';

describe('awareness entries', () => {
	it('read and write the y-protocols wire format', () => {
		const doc = new Y.Doc();
		const aw = new awarenessProtocol.Awareness(doc);
		aw.setLocalStateField('user', { id: 'u1', name: '主播' });
		const update = awarenessProtocol.encodeAwarenessUpdate(aw, [doc.clientID]);
		const entries = decodeAwarenessEntries(update);
		expect(entries).toHaveLength(1);
		expect(entries[0]!.client).toBe(doc.clientID);
		expect(JSON.parse(entries[0]!.json)).toEqual({ user: { id: 'u1', name: '主播' } });
		expect(encodeAwarenessEntries(entries)).toEqual(update);
		// a y-protocols peer applies what we encode
		const other = new awarenessProtocol.Awareness(new Y.Doc());
		awarenessProtocol.applyAwarenessUpdate(other, encodeAwarenessEntries(entries), 'test');
		expect(other.getStates().get(doc.clientID)).toEqual({ user: { id: 'u1', name: '主播' } });
		aw.destroy();
		other.destroy();
	});

	it('tells removals apart', () => {
		expect(isRemoval({ client: 1, clock: 2, json: 'null' })).toBe(true);
		expect(isRemoval({ client: 1, clock: 2, json: '{}' })).toBe(false);
	});

	it('splits into messages under the size limit and leaves out what can never fit', () => {
		const entries = Array.from({ length: 30 }, (_, i) => ({
			client: i + 1,
			clock: 1,
			json: JSON.stringify({ user: { id: `user-${i}`, name: '场控'.repeat(20) } })
		}));
		const huge = { client: 99, clock: 1, json: JSON.stringify({ pad: 'x'.repeat(2000) }) };
		const { updates, dropped } = chunkAwarenessEntries([...entries, huge], 1000);
		expect(dropped).toEqual([huge]);
		expect(updates.length).toBeGreaterThan(1);
		for (const u of updates) expect(u.length).toBeLessThanOrEqual(1000);
		expect(updates.flatMap(decodeAwarenessEntries)).toEqual(entries);
	});
});
