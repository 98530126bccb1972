import type { Duplex } from 'node:stream';
import { logger } from './log';
import { writeUpgradeError } from './realtime/upgrade';

/**
 * Failures of work that nobody awaits (upgrade handlers, socket event listeners, timers started
 * with `void`) must never reach Node as an unhandled rejection: since Node 15 that ends the
 * process, so one malformed request could take down every user's session. Each such entry
 * point goes through one of the helpers below, and the process-level handler logs whatever
 * still slips through instead of exiting.
 */

/** Runs an upgrade handler; a failure is logged with the request's context and answered. */
export function guardUpgrade(
	what: string,
	url: string | undefined,
	socket: Duplex,
	run: () => Promise<void> | void
): void {
	let p: Promise<void> | void;
	try {
		p = run();
	} catch (err) {
		return upgradeFailed(what, url, socket, err);
	}
	if (p) p.catch((err: unknown) => upgradeFailed(what, url, socket, err));
}

function upgradeFailed(what: string, url: string | undefined, socket: Duplex, err: unknown) {
	logger().error({ err, url: url?.slice(0, 300), handler: what }, 'upgrade handler failed');
	writeUpgradeError(socket, 500, 'internal');
}

/**
 * Wraps an event listener (socket.io) so a thrown error or a rejected promise is logged with the
 * event's name and, when the caller sent an acknowledgement callback, answered with
 * `{ok:false, error:{code:'internal'}}` instead of leaving the caller waiting.
 */
export function guardListener<A extends unknown[]>(
	event: string,
	context: Record<string, unknown>,
	listener: (...args: A) => unknown
): (...args: A) => void {
	return (...args: A) => {
		const failed = (err: unknown) => {
			logger().error({ err, event, ...context }, 'socket event handler failed');
			const ack = args[args.length - 1];
			if (typeof ack === 'function') {
				try {
					(ack as (r: unknown) => void)({
						ok: false,
						error: { code: 'internal', message: 'Internal error.' }
					});
				} catch {
					/* the socket is gone */
				}
			}
		};
		try {
			const r = listener(...args);
			if (r && typeof (r as Promise<unknown>).then === 'function') {
				(r as Promise<unknown>).then(undefined, failed);
			}
		} catch (err) {
			failed(err);
		}
	};
}

const installed = Symbol.for('lotlive.processGuards');

/**
 * Logs unhandled rejections (with the reason's stack) instead of letting Node exit on them.
 * Installed once per process by the runtime; uncaught synchronous exceptions keep Node's
 * default (the process state is unknown after one).
 */
export function installProcessGuards(): void {
	const g = globalThis as Record<symbol, unknown>;
	if (g[installed]) return;
	g[installed] = true;
	process.on('unhandledRejection', (reason) => {
		logger().error({ err: reason }, 'unhandled promise rejection (process kept running)');
	});
}
