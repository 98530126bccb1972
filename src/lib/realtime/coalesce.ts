/**
 * One run at a time of `fn` (a page's reload after a live event): calls while it runs fold into
 * one more run after it, so a burst of events costs two reloads, not one each.
 */
export function coalesce(fn: () => Promise<unknown>): () => Promise<void> {
	let running = false;
	let again = false;
	return async () => {
		if (running) {
			again = true;
			return;
		}
		running = true;
		try {
			do {
				again = false;
				await fn();
			} while (again);
		} finally {
			running = false;
		}
	};
}
