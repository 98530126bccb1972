// The in-process bus for the server events of ./map.ts. Modules subscribe only through their
// module.ts (the module list installs them, ../modules.ts); publishers call the functions below.
//
// Delivery and ordering:
// - In-transaction subscribers (TxEvents: `inTx`; PipelinedEvents: `statements`) run during
//   publishInTx / statementsInTx, one after the other in module-list order (then in the order a
//   module lists them). Their failure is the publisher's failure: it throws out of the
//   transaction, which rolls back, fact and consequences together.
// - After-commit subscribers run once the transaction that published commits (never after a
//   rollback), started in publish order and, for one event, in module-list order. The publisher
//   does not wait for them (a socket push must not slow the next order batch); a failure, thrown
//   or rejected, is logged with the event and the module, never lost silently, and never undoes
//   the commit. They are not durable: a crash between COMMIT and delivery loses them, so nothing
//   that must happen goes there (money goes in-transaction).
// - In-transaction publishing needs a transaction opened by `transaction` / `transactionFrom`
//   below (they know when it commits); publishing on any other transaction (a savepoint's, or a
//   bare db().transaction) throws, rather than dropping the after-commit part.
// - Publishing before the module list is installed throws: a missing subscriber (the ledger)
//   would silently lose money postings.
import type { SQL } from 'drizzle-orm';
import { db, transactionFrom as dbTransactionFrom, type Tx } from '../db';
import { logger } from '../log';
import {
	EVENT_KINDS,
	type CommittedEvents,
	type PipelinedEvents,
	type ServerEventName,
	type ServerEvents,
	type TxEvents
} from './map';

type Pipelined = keyof PipelinedEvents;
type InTx = keyof TxEvents;
type Committed = keyof CommittedEvents;

/** What a module's module.ts lists under `subscriptions`. */
export type Subscription =
	| {
			[K in Pipelined]: { event: K; statements: (payload: PipelinedEvents[K]) => SQL[] };
	  }[Pipelined]
	| {
			[K in InTx]: { event: K; inTx: (tx: Tx, payload: TxEvents[K]) => Promise<void> };
	  }[InTx]
	| {
			[K in ServerEventName]: {
				event: K;
				afterCommit: (payload: ServerEvents[K]) => void | Promise<void>;
			};
	  }[ServerEventName];

interface Entry {
	module: string;
	sub: Subscription;
}

interface Delivery {
	module: string;
	event: ServerEventName;
	run: () => void | Promise<void>;
}

export type FailureLog = (
	err: unknown,
	where: { event: ServerEventName; module: string; phase: 'after-commit' }
) => void;

export interface Bus {
	/** Adds a module's subscriptions (the module list does this once per process). */
	subscribe(module: string, subs: readonly Subscription[]): void;
	/** Marks the module list installed: publishing is refused before. */
	markInstalled(): void;
	readonly installed: boolean;
	/**
	 * Runs `open`, which opens a transaction and passes it to `track` before using it; once `open`
	 * resolves (committed), the after-commit deliveries of that transaction's publications start.
	 */
	within<T>(open: (track: (tx: Tx) => void) => Promise<T>): Promise<T>;
	publishInTx<K extends InTx>(tx: Tx, event: K, payload: TxEvents[K]): Promise<void>;
	/** For a pipelined writer: the subscribers' statements, to send before COMMIT. */
	statementsInTx<K extends Pipelined>(tx: Tx, event: K, payload: PipelinedEvents[K]): SQL[];
	/** After the writer's commit. */
	publishCommitted<K extends Committed>(event: K, payload: CommittedEvents[K]): void;
}

export function createBus(log: FailureLog = defaultFailureLog): Bus {
	const entries = new Map<ServerEventName, Entry[]>();
	const pendingOf = new WeakMap<object, Delivery[]>();
	let installed = false;

	function of(event: ServerEventName): Entry[] {
		return entries.get(event) ?? [];
	}

	function ensureInstalled(event: ServerEventName): void {
		if (!installed) {
			throw new Error(
				`server event ${event} published before the module list was installed (installModules())`
			);
		}
	}

	function pendingFor(tx: Tx, event: ServerEventName): Delivery[] {
		const pending = pendingOf.get(tx);
		if (!pending) {
			throw new Error(
				`server event ${event} published in a transaction not opened by events.transaction()`
			);
		}
		return pending;
	}

	// (the payload's type was checked by the publishing function's signature)
	function afterCommitDeliveries(event: ServerEventName, payload: unknown): Delivery[] {
		const out: Delivery[] = [];
		for (const { module, sub } of of(event)) {
			if ('afterCommit' in sub) {
				const handle = sub.afterCommit as (payload: unknown) => void | Promise<void>;
				out.push({ module, event, run: () => handle(payload) });
			}
		}
		return out;
	}

	function deliver(list: Delivery[]): void {
		for (const d of list) {
			const fail = (err: unknown) =>
				log(err, { event: d.event, module: d.module, phase: 'after-commit' });
			try {
				const r = d.run();
				if (r && typeof (r as Promise<void>).then === 'function') {
					(r as Promise<void>).then(undefined, fail);
				}
			} catch (err) {
				fail(err);
			}
		}
	}

	return {
		subscribe(module, subs) {
			for (const sub of subs) {
				const kind = EVENT_KINDS[sub.event];
				if (!kind) throw new Error(`${module} subscribes to an unknown event ${sub.event}`);
				if ('inTx' in sub && kind !== 'tx') {
					throw new Error(`${module}: ${sub.event} is not published inside a transaction`);
				}
				if ('statements' in sub && kind !== 'pipelined') {
					throw new Error(`${module}: ${sub.event} is not a pipelined event`);
				}
				const list = entries.get(sub.event) ?? [];
				list.push({ module, sub });
				entries.set(sub.event, list);
			}
		},
		markInstalled() {
			installed = true;
		},
		get installed() {
			return installed;
		},
		async within(open) {
			const pending: Delivery[] = [];
			const result = await open((tx) => pendingOf.set(tx, pending));
			deliver(pending);
			return result;
		},
		async publishInTx(tx, event, payload) {
			ensureInstalled(event);
			const pending = pendingFor(tx, event);
			for (const { sub } of of(event)) {
				if ('inTx' in sub)
					await (sub.inTx as (tx: Tx, p: typeof payload) => Promise<void>)(tx, payload);
			}
			pending.push(...afterCommitDeliveries(event, payload));
		},
		statementsInTx(tx, event, payload) {
			ensureInstalled(event);
			const pending = pendingFor(tx, event);
			const out: SQL[] = [];
			for (const { sub } of of(event)) {
				if ('statements' in sub) out.push(...sub.statements(payload));
			}
			pending.push(...afterCommitDeliveries(event, payload));
			return out;
		},
		publishCommitted(event, payload) {
			ensureInstalled(event);
			deliver(afterCommitDeliveries(event, payload));
		}
	};
}

const defaultFailureLog: FailureLog = (err, where) =>
	logger().error({ err, ...where }, 'server event subscriber failed');

// One bus per process, shared by every copy of this file (SvelteKit's bundle and the server
// entry's, like the runtime state).
const key = Symbol.for('lotlive.events.bus');
type G = typeof globalThis & { [key]?: Bus };

/** The process's bus. */
export function bus(): Bus {
	const g = globalThis as G;
	return (g[key] ??= createBus());
}

/**
 * db().transaction whose publications reach after-commit subscribers once it commits. Use it
 * (not db().transaction) for every transaction that publishes.
 */
export function transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
	return bus().within((track) =>
		db().transaction(async (tx) => {
			track(tx);
			return fn(tx);
		})
	);
}

/** db's transactionFrom (the pipelined hot path), likewise. */
export function transactionFrom<R extends Record<string, unknown>, T>(
	first: SQL,
	fn: (
		tx: Tx,
		rows: R[],
		finish: (last: SQL[]) => Promise<Record<string, unknown>[][]>
	) => Promise<T>
): Promise<T> {
	return bus().within((track) =>
		dbTransactionFrom<R, T>(first, (tx, rows, finish) => {
			track(tx);
			return fn(tx, rows, finish);
		})
	);
}

/** Publishes an event inside `tx` (opened by `transaction`); see the top of this file. */
export function publishInTx<K extends InTx>(tx: Tx, event: K, payload: TxEvents[K]): Promise<void> {
	return bus().publishInTx(tx, event, payload);
}

/** The statements of a pipelined event's subscribers, for the writer to send before COMMIT. */
export function statementsInTx<K extends Pipelined>(
	tx: Tx,
	event: K,
	payload: PipelinedEvents[K]
): SQL[] {
	return bus().statementsInTx(tx, event, payload);
}

/** Publishes an after-commit event (call it once the writer's transaction has committed). */
export function publishCommitted<K extends Committed>(event: K, payload: CommittedEvents[K]): void {
	bus().publishCommitted(event, payload);
}
