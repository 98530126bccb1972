// Fuzz suite, socket.io: every client-to-server event declared in src/lib/realtime/events.ts,
// with hostile payloads (wrong types, NUL, huge numbers, non-uuid ids, unknown keys), with and
// without an acknowledgement callback, from several roles. No handler may crash the process or
// answer `internal`; a refusal is {ok:false, error:{code,message}} with a field when input is at
// fault; a refused event writes nothing; the server still answers PingV1. Seed: FUZZ_SEED.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createShow, transitionShow } from '../../src/lib/server/live/shows';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { startRealtimeServer } from '../helpers/server';
import { socketClients, type Client } from '../helpers/sockets';
import { demoActor, stockedLots } from '../helpers/demo';
import { dbFingerprint } from '../helpers/fingerprint';
import { FUZZ_SEED, ROOT, hostileJson, hostileNumber, hostileString } from '../helpers/fuzz';

let srv: Awaited<ReturnType<typeof startRealtimeServer>>;
const clients = socketClients(() => srv.url);
const sockets: Record<string, Client> = {};
let showIds: string[] = [];
let lotIds: string[] = [];

/** The event names of ClientToServerEvents, read from the source so a new event is fuzzed too. */
function clientEvents(): { name: string; acked: boolean }[] {
	const src = readFileSync(path.join(ROOT, 'src/lib/realtime/events.ts'), 'utf8');
	const block = src.slice(src.indexOf('export interface ClientToServerEvents'));
	const body = block.slice(0, block.indexOf('\n}'));
	return [...body.matchAll(/^\t(\w+V\d+): \(([\s\S]*?)\) => void;/gm)].map((m) => ({
		name: m[1]!,
		acked: /\back: Ack</.test(m[2]!)
	}));
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	srv = await startRealtimeServer();
	for (const [who, email] of [
		['operator', DEMO_ACCOUNTS.operator],
		['host', DEMO_ACCOUNTS.host],
		['assistant', DEMO_ACCOUNTS.assistant1],
		['supplier', DEMO_ACCOUNTS.supplier1],
		['buyer', DEMO_ACCOUNTS.buyer1]
	] as const) {
		sockets[who] = await clients.connect((await demoActor(email)).token);
	}
	lotIds = await stockedLots(3, 1000);
	const host = await demoActor(DEMO_ACCOUNTS.host);
	const { id } = await createShow(host.actor, {
		title: '模糊测试',
		slots: lotIds.map((lotId) => ({ lotId }))
	});
	await transitionShow(host.actor, id, { status: 'live' });
	showIds = [id];
}, 180_000);
afterAll(async () => {
	clients.closeAll();
	await srv?.close();
});

it('no socket event crashes a handler; refusals are {ok:false,error} and write nothing', async () => {
	const events = clientEvents();
	expect(events.filter((e) => e.acked).map((e) => e.name)).toEqual(
		expect.arrayContaining([
			'PingV1',
			'LotWatchV1',
			'ShowWatchV1',
			'LockAcquireV1',
			'ConversationWatchV1'
		])
	);
	expect(events.map((e) => e.name)).toContain('LotUnwatchV1');
	const id = fc.oneof(
		fc.constantFrom(...showIds, ...lotIds),
		fc.uuid(),
		hostileString,
		hostileNumber,
		fc.constant(null)
	);
	const payload = fc.oneof(
		{ arbitrary: hostileJson, weight: 2 },
		{
			arbitrary: fc.record(
				{
					showId: id,
					lotId: id,
					lotIds: fc.oneof(fc.array(id, { maxLength: 3 }), hostileJson),
					quantity: fc.oneof(fc.integer({ min: -5, max: 50 }), hostileNumber, hostileString),
					at: hostileNumber,
					extra: hostileJson
				},
				{ requiredKeys: [] }
			),
			weight: 5
		}
	);
	const failures: string[] = [];
	let answered = 0;
	await fc.assert(
		fc.asyncProperty(
			fc.constantFrom(...events),
			fc.constantFrom(...Object.keys(sockets)),
			payload,
			fc.constantFrom('ack', 'none', 'not-a-function'),
			async ({ name: event, acked }, who, p, ackKind) => {
				const s = sockets[who]!;
				const emit = s.emit.bind(s) as unknown as (e: string, ...args: unknown[]) => void;
				const what = `${event} as ${who} ${JSON.stringify(p)?.slice(0, 300)} (${ackKind})`;
				const before = await dbFingerprint();
				let reply: unknown;
				if (ackKind === 'ack' && acked) {
					reply = await new Promise((resolve) => {
						const timer = setTimeout(() => resolve('no answer'), 5000);
						emit(event, p, (r: unknown) => {
							clearTimeout(timer);
							resolve(r);
						});
					});
				} else {
					emit(event, p, ...(ackKind === 'none' ? [] : ['not a function']));
					await new Promise((r) => setTimeout(r, 20));
				}
				if (reply !== undefined) {
					answered++;
					const r = reply as { ok?: boolean; error?: Record<string, unknown> };
					if (reply === 'no answer') failures.push(`${what}: no ack in 5 s`);
					else if (typeof r === 'object' && r && r.ok === false) {
						const e = r.error;
						if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') {
							failures.push(`${what}: refusal without {code,message}: ${JSON.stringify(r)}`);
						} else if (e.code === 'internal') {
							failures.push(`${what}: internal error`);
						} else if (e.code === 'invalid_input' && typeof e.field !== 'string') {
							failures.push(`${what}: invalid_input without a field: ${JSON.stringify(r)}`);
						}
						const after = await dbFingerprint();
						const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
						if (changed.length) failures.push(`${what}: refused but changed ${changed}`);
					}
				}
				if (!s.connected) failures.push(`${what}: the socket was disconnected`);
				return true;
			}
		),
		{ seed: FUZZ_SEED, numRuns: Number(process.env.FUZZ_SOCKET_RUNS ?? 100) }
	);
	expect(failures, `FUZZ_SEED=${FUZZ_SEED}\n${[...new Set(failures)].join('\n')}`).toEqual([]);
	expect(answered).toBeGreaterThan(0);
	// every client is still served
	for (const s of Object.values(sockets)) {
		expect(await s.emitWithAck('PingV1', { at: 1 })).toMatchObject({ ok: true });
	}
}, 240_000);
