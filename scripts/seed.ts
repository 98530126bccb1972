// `npm run seed` seeds the demo marketplace into an empty database;
// `npm run seed -- --lots N` adds N generated lots (for benchmarks).
import { parseArgs } from 'node:util';
import { dbHandle, closeDb } from '../src/lib/server/db';
import { migrateAndInit } from '../src/lib/server/db/migrate';
import { generateLots, seedDemoIfEmpty } from '../src/lib/server/seed/demo';

const { values } = parseArgs({
	options: { lots: { type: 'string' }, seed: { type: 'string' } },
	allowPositionals: false
});
const n = values.lots === undefined ? 0 : Number(values.lots);
if (!Number.isInteger(n) || n < 0) {
	console.error('--lots must be a whole number ≥ 0');
	process.exit(2);
}

const handle = dbHandle();
await migrateAndInit(handle, async () => {
	const seeded = await seedDemoIfEmpty();
	console.log(
		seeded ? 'Demo marketplace seeded.' : 'Database already has data; demo seed skipped.'
	);
});
if (n > 0) {
	const started = performance.now();
	let last = 0;
	await generateLots(n, {
		seed: values.seed ? Number(values.seed) : undefined,
		onProgress: (done) => {
			if (done - last >= 20000 || done === n) {
				last = done;
				console.log(`  ${done}/${n} lots`);
			}
		}
	});
	console.log(`Generated ${n} lots in ${Math.round(performance.now() - started)} ms.`);
}
await closeDb();
