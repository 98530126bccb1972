import { logger } from './log';

export interface Job {
	name: string;
	everyMs: number;
	run: () => Promise<unknown>;
}

/**
 * Starts background jobs (lock expiry, settlement…: the modules' `jobs`). Jobs run only in a
 * server process (runtime's attach() starts them, so tests and CLI tools never do), one run at a
 * time per job and process; every job must be safe to run on several nodes at once. Returns the
 * function that stops them.
 */
export function startJobs(jobs: readonly Job[]): () => void {
	const timers = jobs.map((job) => {
		let running = false;
		const timer = setInterval(() => {
			if (running) return;
			running = true;
			job
				.run()
				.catch((err) => logger().error({ err, job: job.name }, 'job failed'))
				.finally(() => (running = false));
		}, job.everyMs);
		timer.unref();
		return timer;
	});
	return () => timers.forEach((t) => clearInterval(t));
}
