// The sliding-window estimate behind every rate limit (src/lib/server/ratelimit/): counts are
// kept per fixed window, and the last `windowMs` is approximated by the current window's count
// plus the previous window's, weighted by how much of it still lies inside the sliding window.
// Pure; times in milliseconds.

export interface WindowCounts {
	/** Attempts in the previous fixed window. */
	prev: number;
	/** Attempts in the current fixed window so far. */
	cur: number;
}

/** Attempts in the sliding window ending `elapsedMs` into the current fixed window. */
export function slidingCount(c: WindowCounts, elapsedMs: number, windowMs: number): number {
	const f = Math.min(1, Math.max(0, elapsedMs / windowMs));
	return c.prev * (1 - f) + c.cur;
}

/** Whether another attempt is refused: `limit` attempts per window are allowed. */
export function isLimited(
	c: WindowCounts,
	elapsedMs: number,
	windowMs: number,
	limit: number
): boolean {
	return slidingCount(c, elapsedMs, windowMs) >= limit;
}

/**
 * How long until the next attempt would be allowed, if nothing else is counted meanwhile
 * (0 when it is allowed now). Within the current window the previous window's share decays;
 * after it, the current window becomes the previous one and decays in turn.
 */
export function retryAfterMs(
	c: WindowCounts,
	elapsedMs: number,
	windowMs: number,
	limit: number
): number {
	if (!isLimited(c, elapsedMs, windowMs, limit)) return 0;
	const room = limit - c.cur;
	if (room > 0 && c.prev > 0) {
		// prev·(1 − (e+Δ)/W) < room  ⇔  Δ > W·(1 − room/prev) − e
		const d = windowMs * (1 - room / c.prev) - elapsedMs;
		if (elapsedMs + d < windowMs) return Math.max(1, Math.ceil(d) + 1);
	}
	// Into the next window: cur·(1 − g/W) < limit  ⇔  g > W·(1 − limit/cur)
	const g = c.cur >= limit ? windowMs * (1 - limit / c.cur) : 0;
	return Math.max(1, Math.ceil(windowMs - elapsedMs + g) + 1);
}
