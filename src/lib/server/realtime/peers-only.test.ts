import { MessageType, type ClusterMessage } from 'socket.io-adapter';
import { describe, expect, it } from 'vitest';
import { broadcastToPeersOnly } from './peers-only';

/** A stand-in for the Postgres adapter: records what it would NOTIFY. */
function fakeAdapter() {
	const sent: ClusterMessage[] = [];
	return {
		nodesMap: new Map<string, number>(),
		sent,
		doPublish(message: ClusterMessage) {
			sent.push(message);
			return Promise.resolve('');
		}
	};
}

const message = (type: MessageType) => ({ type, uid: 'me', nsp: '/' }) as ClusterMessage;

describe('broadcastToPeersOnly', () => {
	it('keeps broadcasts local while no other node is alive, and publishes everything else', async () => {
		const adapter = broadcastToPeersOnly((_nsp: never) => fakeAdapter())('/' as never);
		await adapter.doPublish(message(MessageType.BROADCAST));
		await adapter.doPublish(message(MessageType.INITIAL_HEARTBEAT));
		await adapter.doPublish(message(MessageType.HEARTBEAT));
		await adapter.doPublish(message(MessageType.SOCKETS_JOIN));
		expect(adapter.sent.map((m) => m.type)).toEqual([
			MessageType.INITIAL_HEARTBEAT,
			MessageType.HEARTBEAT,
			MessageType.SOCKETS_JOIN
		]);
	});

	it('publishes broadcasts once another node has been heard, and stops when it is gone', async () => {
		const adapter = broadcastToPeersOnly((_nsp: never) => fakeAdapter())('/' as never);
		adapter.nodesMap.set('other', Date.now());
		await adapter.doPublish(message(MessageType.BROADCAST));
		adapter.nodesMap.delete('other');
		await adapter.doPublish(message(MessageType.BROADCAST));
		expect(adapter.sent.map((m) => m.type)).toEqual([MessageType.BROADCAST]);
	});
});
