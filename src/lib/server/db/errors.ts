/**
 * SQLSTATE of a database error on either driver (postgres.js and PGlite put it on `code`;
 * drizzle wraps both in an error whose `cause` is the driver's), or undefined for anything
 * else (a closed connection, a bug in our code).
 */
export function sqlState(e: unknown): string | undefined {
	let cur: unknown = e;
	for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
		const c = cur as { code?: unknown; cause?: unknown };
		if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) return c.code;
		cur = c.cause;
	}
	return undefined;
}

/** The constraint a database error names (unique, check, foreign key), when it names one. */
export function constraintOf(e: unknown): string | undefined {
	let cur: unknown = e;
	for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
		const c = cur as { constraint_name?: unknown; constraint?: unknown; cause?: unknown };
		const name = c.constraint_name ?? c.constraint;
		if (typeof name === 'string') return name;
		cur = c.cause;
	}
	return undefined;
}

/**
 * The database refused a statement because of the data in it (a value out of range, a
 * constraint, a trigger's RAISE) or aborted the transaction for a conflict with another
 * (serialization failure, deadlock): retrying the same work without one request can succeed.
 * Not a lost connection or a syntax error, which every retry would meet again.
 */
export function isDataRefusal(e: unknown): boolean {
	const state = sqlState(e);
	if (!state) return false;
	const cls = state.slice(0, 2);
	return cls === '22' || cls === '23' || cls === 'P0' || cls === '40';
}
