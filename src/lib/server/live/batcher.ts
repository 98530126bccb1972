/**
 * Coalesces concurrent work for the same key into batches: while one batch for a key is being
 * processed, later submissions wait and go together in the next one. Each submission gets its
 * own result. A hot lot in a flash sale thus costs one database transaction per batch instead
 * of one per request, with the same outcome as serial processing in arrival order.
 */
export class KeyedBatcher<Req, Res> {
	private readonly queues = new Map<string, { items: Pending<Req, Res>[]; running: boolean }>();

	constructor(
		private readonly process: (key: string, items: Req[]) => Promise<Res[]>,
		private readonly maxBatch = 500
	) {}

	submit(key: string, req: Req): Promise<Res> {
		return new Promise<Res>((resolve, reject) => {
			let q = this.queues.get(key);
			if (!q) {
				q = { items: [], running: false };
				this.queues.set(key, q);
			}
			q.items.push({ req, resolve, reject });
			if (!q.running) {
				q.running = true;
				// Let requests that arrived in the same tick join the first batch.
				setImmediate(() => void this.drain(key));
			}
		});
	}

	/** Keys with work queued or running (for tests and shutdown). */
	get busy(): number {
		return this.queues.size;
	}

	private async drain(key: string): Promise<void> {
		const q = this.queues.get(key);
		if (!q) return;
		while (q.items.length > 0) {
			const batch = q.items.splice(0, this.maxBatch);
			try {
				const results = await this.process(
					key,
					batch.map((b) => b.req)
				);
				batch.forEach((b, i) => b.resolve(results[i]!));
			} catch (err) {
				// The whole transaction failed (nothing was written): every request in it fails.
				for (const b of batch) b.reject(err);
			}
		}
		this.queues.delete(key);
	}
}

interface Pending<Req, Res> {
	req: Req;
	resolve: (r: Res) => void;
	reject: (e: unknown) => void;
}
