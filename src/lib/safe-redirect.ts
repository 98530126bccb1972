/** A same-site path to go to after a form, or the fallback (no open redirects). */
export function safeNext(next: unknown, fallback = '/'): string {
	if (
		typeof next !== 'string' ||
		!next.startsWith('/') ||
		next.startsWith('//') ||
		next.startsWith('/\\')
	) {
		return fallback;
	}
	return next;
}
