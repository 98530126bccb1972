/**
 * The presence bar lists people, not connections. One person can hold several awareness
 * client ids at once: two tabs, or — after going offline and back and reloading — the id of
 * the page before the reload, which lingers until the server notices its old socket is gone.
 * Each person is shown once: their own entry on this page if it is them, else the entry
 * updated last (the tab they are working in).
 */
export function onePerPerson<T extends { userId: string; self: boolean; lastUpdated: number }>(
	peers: T[]
): T[] {
	const byUser = new Map<string, T>();
	for (const p of peers) {
		const prev = byUser.get(p.userId);
		if (
			!prev ||
			(p.self && !prev.self) ||
			(p.self === prev.self && p.lastUpdated > prev.lastUpdated)
		) {
			byUser.set(p.userId, p);
		}
	}
	return peers.filter((p) => byUser.get(p.userId) === p);
}
