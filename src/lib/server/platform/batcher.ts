/**
 * Coalesces concurrent work for the same key into batches: while a batch for a key is being
 * processed, later submissions wait and go together in the next one. Each submission gets its
 * own result. A hot lot in a flash sale thus costs one database transaction per batch instead
 * of one per request, with the same outcome as serial processing in arrival order.
 *
 * `inFlight` > 1 lets the next batch start before the previous one has finished. Its
 * transaction then queues on the same rows in the database (which decides the order: row locks
 * are granted first come, first served, and a READ COMMITTED statement that waited sees the
 * committed result), so the round trips of starting it overlap the end of the previous one.
 *
 * A batch shares one transaction, so one request the database refuses (a value it will not
 * store, a constraint, a trigger) would fail every request in it. When `isolate(err)` says the
 * failure may be one member's, the batch is split in two halves that are retried in order, down
 * to the single request at fault, which alone gets the error: a valid request is never refused
 * because of its neighbour. The happy path pays nothing; a bad member among n costs about
 * 2·log2(n) extra transactions.
 */
export class KeyedBatcher<Req, Res> {
	private readonly queues = new Map<
		string,
		{ items: Pending<Req, Res>[]; running: number; scheduled: boolean }
	>();

	constructor(
		private readonly process: (key: string, items: Req[]) => Promise<Res[]>,
		private readonly maxBatch = 500,
		private readonly inFlight = 1,
		private readonly isolate: (err: unknown) => boolean = () => false
	) {}

	submit(key: string, req: Req): Promise<Res> {
		return new Promise<Res>((resolve, reject) => {
			let q = this.queues.get(key);
			if (!q) {
				q = { items: [], running: 0, scheduled: false };
				this.queues.set(key, q);
			}
			q.items.push({ req, resolve, reject });
			if (!q.scheduled && q.running < this.inFlight) {
				q.scheduled = true;
				// Let requests that arrived in the same tick join the first batch.
				setImmediate(() => {
					q.scheduled = false;
					this.pump(key);
				});
			}
		});
	}

	/** Keys with work queued or running (for tests and shutdown). */
	get busy(): number {
		return this.queues.size;
	}

	private pump(key: string): void {
		const q = this.queues.get(key);
		if (!q) return;
		while (q.items.length > 0 && q.running < this.inFlight) {
			const batch = q.items.splice(0, this.maxBatch);
			q.running++;
			void this.run(key, batch).finally(() => {
				q.running--;
				if (q.items.length > 0) this.pump(key);
				else if (q.running === 0 && !q.scheduled) this.queues.delete(key);
			});
		}
	}

	private async run(key: string, batch: Pending<Req, Res>[]): Promise<void> {
		try {
			const results = await this.process(
				key,
				batch.map((b) => b.req)
			);
			batch.forEach((b, i) => b.resolve(results[i]!));
		} catch (err) {
			// The whole transaction failed (nothing was written). If one member may be at fault,
			// retry the halves in arrival order until the one at fault is alone; else all fail.
			if (batch.length > 1 && this.isolate(err)) {
				const mid = Math.ceil(batch.length / 2);
				await this.run(key, batch.slice(0, mid));
				await this.run(key, batch.slice(mid));
				return;
			}
			for (const b of batch) b.reject(err);
		}
	}
}

interface Pending<Req, Res> {
	req: Req;
	resolve: (r: Res) => void;
	reject: (e: unknown) => void;
}
