import { MessageType, type ClusterMessage } from 'socket.io-adapter';

/** What the wrapper uses of socket.io's cluster adapter with heartbeats (protected members). */
interface PeeredAdapter {
	/** Other nodes heard from recently (by their heartbeats), by uid. */
	nodesMap: Map<string, number>;
	doPublish(message: ClusterMessage): Promise<string>;
}

/**
 * Wraps a cluster adapter's factory (the Postgres adapter's) so that a broadcast goes out to the
 * other nodes only while there are any. Every node announces itself when its adapter starts and
 * then every few seconds (socket.io's heartbeats, still sent), and every node tracks the others
 * it hears. A single node, the usual self-hosted setup, then skips the NOTIFY and the copy of it
 * that comes back on its own LISTEN connection, which a flash sale's dozens of counter and queue
 * messages per batch made a tenth of the server's work. Local delivery is unchanged, and so is
 * every other cluster message.
 */
export function broadcastToPeersOnly<F extends (nsp: never) => unknown>(factory: F): F {
	return function (nsp: never) {
		const adapter = factory(nsp) as PeeredAdapter;
		const publish = adapter.doPublish.bind(adapter);
		adapter.doPublish = (message) =>
			message.type === MessageType.BROADCAST && adapter.nodesMap.size === 0
				? Promise.resolve('')
				: publish(message);
		return adapter;
	} as F;
}
