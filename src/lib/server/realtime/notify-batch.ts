import type pg from 'pg';

const NOTIFY = 'SELECT pg_notify($1, $2)';

/**
 * The pool handed to socket.io's Postgres adapter, with its NOTIFYs coalesced: the adapter sends
 * one `SELECT pg_notify($1, $2)` per broadcast, and a flash sale's batch broadcasts a dozen
 * counters and queue updates at once. Notifications issued in the same tick go out as one
 * statement (one round trip, one transaction in Postgres), in the order they were issued; each
 * caller's promise settles with that statement. Everything else goes to the pool unchanged.
 */
export function notifyBatching(pool: pg.Pool): pg.Pool {
	let queue: { channel: string; payload: string; done: (err?: unknown) => void }[] = [];
	let scheduled = false;

	const flush = () => {
		scheduled = false;
		const batch = queue;
		queue = [];
		if (batch.length === 0) return;
		const settle = (err?: unknown) => batch.forEach((b) => b.done(err));
		// Shutting down: nobody is left to tell.
		if ((pool as pg.Pool & { ending?: boolean }).ending) return settle();
		pool
			.query('SELECT count(pg_notify(c, p)) FROM unnest($1::text[], $2::text[]) AS t(c, p)', [
				batch.map((b) => b.channel),
				batch.map((b) => b.payload)
			])
			.then(() => settle(), settle);
	};

	return new Proxy(pool, {
		get(target, prop) {
			if (prop === 'query') {
				return (text: unknown, values?: unknown[]) => {
					if (text !== NOTIFY || !Array.isArray(values)) {
						return (target.query as (t: unknown, v?: unknown[]) => Promise<unknown>)(text, values);
					}
					return new Promise<void>((resolve, reject) => {
						queue.push({
							channel: String(values[0]),
							payload: String(values[1]),
							done: (err) => (err ? reject(err) : resolve())
						});
						if (!scheduled) {
							scheduled = true;
							setImmediate(flush);
						}
					});
				};
			}
			const value = Reflect.get(target, prop, target) as unknown;
			return typeof value === 'function'
				? (value as (...a: unknown[]) => unknown).bind(target)
				: value;
		}
	});
}
