/** One line of the lock record (锁定记录), as GET /api/v1/shows/:id/history gives it. */
export interface HistoryEntry {
	id: number;
	lotId: string;
	kind: 'acquire' | 'raise' | 'lower' | 'release' | 'expire' | 'extend' | 'consume' | 'return';
	delta: number;
	system: boolean;
	at: string;
	actorName: string | null;
}

/** Lines the console keeps (the page loads as many). */
export const HISTORY_LINES = 50;
/**
 * Lines fetched since the console loaded, merged into what it shows: newest first, each event
 * once (a fetch and a reload can overlap), at most `HISTORY_LINES`.
 */
export function mergeHistory(shown: HistoryEntry[], fetched: HistoryEntry[]): HistoryEntry[] {
	const ids = new Set<number>();
	const out: HistoryEntry[] = [];
	for (const h of [...fetched, ...shown]) {
		if (ids.has(h.id)) continue;
		ids.add(h.id);
		out.push(h);
	}
	return out.sort((a, b) => b.id - a.id).slice(0, HISTORY_LINES);
}
