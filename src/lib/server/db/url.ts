/**
 * libpq's `?host=/dir` for postgres.js: a DATABASE_URL like
 * `postgres://postgres@localhost/lotlive?host=/var/run/postgresql` connects over the Unix socket
 * in that directory (as psql and node-postgres, which the socket.io adapter uses, read it).
 * postgres.js would send `host` to the server as a setting and fail, so it is taken out of the
 * URL and passed as the `host` option. A co-located Postgres answers a Unix socket with less CPU
 * per statement than loopback TCP (docs/OPERATIONS.md).
 */
export function postgresTarget(url: string): { url: string; host?: string } {
	const q = url.indexOf('?');
	if (q < 0) return { url };
	const params = new URLSearchParams(url.slice(q + 1));
	const host = params.get('host');
	if (!host || !host.startsWith('/')) return { url };
	params.delete('host');
	const rest = params.toString();
	return { url: url.slice(0, q) + (rest ? `?${rest}` : ''), host };
}
