import { sql } from 'drizzle-orm';
import { openDatabase } from '/work/wt-catalog/src/lib/server/db/client';
import { setDbHandle, db, closeDb } from '/work/wt-catalog/src/lib/server/db';
import { migrateAndInit } from '/work/wt-catalog/src/lib/server/db/migrate';
import { seedDemoIfEmpty, generateLots } from '/work/wt-catalog/src/lib/server/seed/demo';
import { refreshSalesStats } from '/work/wt-catalog/src/lib/server/catalog/sales';
process.env.DATA_DIR = '/tmp/lotlive-analysis-media';
const url = 'postgres://postgres@127.0.0.1:5432/lotlive_catalog_analysis';
const h = openDatabase({ databaseUrl: url });
setDbHandle(h);
await migrateAndInit(h, async () => { await seedDemoIfEmpty(); });
await generateLots(200000 - 240, { seed: 42 });
await db().execute(sql`
		insert into lot_sales (lot_id, supplier_id, buyer_key, quantity, amount_fen, channel, sold_at)
		select l.id, l.supplier_id, 'bench-buyer-' || (abs(hashtext(l.id::text || g::text)) % 3000),
			l.moq, l.moq * l.unit_price_fen, 'wholesale',
			now() - (abs(hashtext(g::text || l.id::text)) % 1209600) * interval '1 second'
		from lots l cross join generate_series(1, 3) g
		where abs(hashtext(l.id::text)) % 3 = 0`);
let t = performance.now();
console.log(await refreshSalesStats(), performance.now() - t);
await db().execute(sql`vacuum analyze`);
await closeDb();
