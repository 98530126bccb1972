import { describe, expect, it } from 'vitest';
import { onePerPerson } from './peers';

const peer = (clientId: number, userId: string, self: boolean, lastUpdated: number) => ({
	clientId,
	userId,
	self,
	lastUpdated
});

describe('onePerPerson', () => {
	it('lists this page once although an older id of the same person lingers', () => {
		const list = [peer(1, 'host', false, 500), peer(2, 'host', true, 100), peer(3, 'a1', false, 1)];
		expect(onePerPerson(list).map((p) => p.clientId)).toEqual([2, 3]);
	});

	it('keeps the tab another person used last', () => {
		const list = [peer(4, 'a1', false, 100), peer(5, 'a1', false, 900), peer(6, 'a2', false, 5)];
		expect(onePerPerson(list).map((p) => p.clientId)).toEqual([5, 6]);
	});

	it('keeps everyone when nobody is doubled', () => {
		const list = [peer(1, 'host', true, 1), peer(2, 'a1', false, 1), peer(3, 'a2', false, 1)];
		expect(onePerPerson(list)).toEqual(list);
	});
});
