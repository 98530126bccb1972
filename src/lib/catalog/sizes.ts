/** "S:10, M:20" (also ：, =, ；, new lines) → {S:10, M:20}; null when a part is not size:count. */
export function parseSizeList(s: string): Record<string, number> | null {
	const out: Record<string, number> = {};
	for (const part of s.split(/[,，;；\n]+/)) {
		const p = part.trim();
		if (!p) continue;
		const m = /^(.+?)\s*[:：=]\s*(\d+)$/.exec(p);
		if (!m) return null;
		const k = m[1]!.trim();
		out[k] = (out[k] ?? 0) + Number(m[2]);
	}
	return out;
}

export const formatSizeList = (sizes: Record<string, number>) =>
	Object.entries(sizes)
		.map(([k, v]) => `${k}:${v}`)
		.join(', ');
