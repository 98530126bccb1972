// The module list is the only wiring: a module missing from it, or a subscription lost, would
// silently drop work (the ledger's postings above all). These checks read the list itself.
import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, type ServerEventName } from './events/map';
import { modules, openApiDocument } from './modules';

describe('the module list', () => {
	it('names each module once, and each job once', () => {
		const names = modules.map((m) => m.name);
		expect(new Set(names).size).toBe(names.length);
		expect(names).toEqual(
			expect.arrayContaining([
				'catalog',
				'stock',
				'live',
				'boards',
				'orders',
				'ledger',
				'ratelimit'
			])
		);
		const jobs = modules.flatMap((m) => m.jobs ?? []).map((j) => j.name);
		expect(new Set(jobs).size).toBe(jobs.length);
		expect(jobs).toEqual(
			expect.arrayContaining([
				'catalog-sales-stats',
				'lock-expiry',
				'ledger-settlement',
				'rate-limit-cleanup'
			])
		);
	});

	it('has a subscriber for every server event', () => {
		const subscribed = new Set(modules.flatMap((m) => (m.subscriptions ?? []).map((s) => s.event)));
		const missing = (Object.keys(EVENT_KINDS) as ServerEventName[]).filter(
			(e) => !subscribed.has(e)
		);
		expect(missing).toEqual([]);
	});

	it('lets the ledger post the money of every order and trade event, inside their transactions', () => {
		const ledger = modules.find((m) => m.name === 'ledger')!;
		const inTx = (ledger.subscriptions ?? [])
			.filter((s) => 'inTx' in s || 'statements' in s)
			.map((s) => s.event)
			.sort();
		expect(inTx).toEqual([
			'fulfilment.moved',
			'line.refunded',
			'order.placed',
			'supplier.charged',
			'trade.money'
		]);
	});

	it('has one owner of the collab documents and the socket handlers of stock, live and trade (conversations)', () => {
		expect(modules.filter((m) => m.collab?.persistence).map((m) => m.name)).toEqual(['boards']);
		expect(modules.filter((m) => m.socketHandlers?.length).map((m) => m.name)).toEqual([
			'stock',
			'live',
			'trade'
		]);
		expect(modules.flatMap((m) => m.saleFacts ?? [])).toHaveLength(1);
	});

	it('merges the OpenAPI parts without one path or schema hiding another', () => {
		// platform/openapi.ts's merge throws when two parts claim one schema or path+method
		const parts = modules.flatMap((m) => (m.openapi ? [m.openapi()] : []));
		const paths = new Set(parts.flatMap((p) => Object.keys(p.paths)));
		const doc = openApiDocument('http://localhost') as { paths: object };
		expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/lots']));
		// every module's paths, plus the platform's own (the document itself)
		expect(new Set(Object.keys(doc.paths))).toEqual(new Set([...paths, '/api/v1/openapi.json']));
	});
});
