// `npm run bench:settle`: the settlement job over 100,000 delivered sale lines on Postgres.
// Setup goes through the ledger's own calls (recordPayment and recordDelivered, 1,000 lines per
// call, as an orders service would post them), so the escrow being released is real; then
// settleDue runs until nothing is due and is timed. Afterwards the ledger is checked (every
// transaction balanced, escrow empty, a second run settles nothing). Prints one JSON line:
// {"bench":"settle","orders","seconds","entries","orders_per_s",…}.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { db, execRows } from '../src/lib/server/db';
import { orgs } from '../src/lib/server/db/schema';
import { recordDelivered, recordPayment, settleDue } from '../src/lib/server/ledger/service';
import type { SaleLineInput } from '../src/lib/server/ledger/service';
import { rng } from '../src/lib/server/seed/random';
import { benchDatabase } from './lib/database';
import { report, round } from './lib/stats';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 100_000);
const PER_CALL = 1000;
const log = (m: string) => process.stderr.write(m + '\n');

process.env.BENCH_DATABASE_URL ??=
	process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const bench = await benchDatabase('settle', { demo: false });
try {
	const made = await db()
		.insert(orgs)
		.values([
			...Array.from({ length: 20 }, (_, i) => ({ kind: 'supplier' as const, name: `供应商 ${i}` })),
			...Array.from({ length: 5 }, (_, i) => ({ kind: 'host_team' as const, name: `直播间 ${i}` }))
		])
		.returning({ id: orgs.id, kind: orgs.kind });
	const suppliers = made.filter((o) => o.kind === 'supplier').map((o) => o.id);
	const hosts = made.filter((o) => o.kind === 'host_team').map((o) => o.id);
	const r = rng(7);
	const paidAt = new Date(Date.now() - 30 * 86_400_000);
	const t0 = performance.now();
	for (let done = 0; done < ORDERS; done += PER_CALL) {
		const orderId = randomUUID();
		const lines: SaleLineInput[] = Array.from({ length: Math.min(PER_CALL, ORDERS - done) }, () => {
			const hosted = r.next() < 0.9;
			return {
				saleLineId: randomUUID(),
				orderId,
				fulfilmentId: null,
				showId: null,
				lotId: randomUUID(),
				hostTeamId: hosted ? hosts[r.int(0, hosts.length - 1)]! : null,
				supplierOrgId: suppliers[r.int(0, suppliers.length - 1)]!,
				quantity: 1,
				grossFen: r.int(990, 59_900),
				commissionBp: r.int(1500, 2000)
			};
		});
		await db().transaction(async (tx) => {
			await recordPayment(tx, { orderId, paidAt, lines });
			await recordDelivered(tx, {
				saleLineIds: lines.map((l) => l.saleLineId),
				deliveredAt: new Date(paidAt.getTime() + 2 * 86_400_000),
				returnWindowDays: 7
			});
		});
		if ((done + PER_CALL) % 20_000 === 0) log(`  ${done + PER_CALL} lines paid and delivered`);
	}
	const setupSeconds = (performance.now() - t0) / 1000;
	await db().execute(sql`analyze`);

	const t1 = performance.now();
	const res = await settleDue(new Date());
	const seconds = (performance.now() - t1) / 1000;
	const again = await settleDue(new Date());

	const [check] = await execRows<{ unbalanced: number; escrow: string | number; open: number }>(
		sql`select
			(select count(*) from (select transaction_id from ledger_entries group by 1
				having sum(amount_fen) <> 0) x)::int as unbalanced,
			(select coalesce(sum(amount_fen), 0) from ledger_entries where account_kind = 'escrow') as escrow,
			(select count(*) from ledger_sales where settled_at is null)::int as open`
	);
	report({
		bench: 'settle',
		orders: res.settled,
		seconds: round(seconds, 2),
		entries: res.entries,
		orders_per_s: Math.round(res.settled / seconds),
		setup_seconds: round(setupSeconds, 1),
		second_run_settled: again.settled,
		unbalanced: Number(check!.unbalanced),
		escrow_left_fen: Number(check!.escrow),
		unsettled: Number(check!.open),
		db: bench.kind
	});
} finally {
	await bench.close();
}
