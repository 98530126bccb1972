const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a path or query parameter is an id (uuid). Services check this before querying, so a
 * malformed id is a plain 404 instead of a database cast error.
 */
export function isUuid(s: string): boolean {
	return UUID.test(s);
}
