// The catalog module's wiring: the sales stats job, the supplier profile of a new supplier
// organisation, sales recorded by other modules, and its OpenAPI part.
import { currentPolicy } from '../platform/policy';
import { logger } from '../log';
import type { Module } from '../module';
import { catalogOpenApi } from './openapi';
import { createSupplierProfile } from './profile';
import { recordSale, refreshSalesStats } from './sales';

export const catalogModule: Module = {
	name: 'catalog',
	jobs: [
		{
			// Rolls the 7-day sales and repurchase windows forward and pulls the sale facts of other
			// modules (Module.saleFacts). Safe on several nodes at once: each run locks the marker
			// row in `settings`.
			name: 'catalog-sales-stats',
			// read when the jobs start (after ready() took in the operator's policy)
			get everyMs() {
				return currentPolicy().catalog.statsRefreshMinutes * 60_000;
			},
			run: async () => {
				const r = await refreshSalesStats();
				if (r.sales || r.repurchase) logger().info(r, 'catalog sales stats refreshed');
				return r;
			}
		}
	],
	subscriptions: [
		{
			// A supplier account never exists without its marketplace profile (waiting for admission).
			event: 'org.created',
			inTx: async (tx, e) => {
				if (e.kind === 'supplier') await createSupplierProfile(tx, e.orgId);
			}
		},
		{
			event: 'sale.recorded',
			inTx: async (tx, e) => {
				await recordSale(tx, e);
			}
		}
	],
	openapi: catalogOpenApi
};
