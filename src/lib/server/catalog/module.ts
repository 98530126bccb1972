import { currentPolicy } from '../platform/policy';
import { registerJob } from '../jobs';
import { logger } from '../log';
import { refreshSalesStats } from './sales';

// The catalog's background job (runs in server processes only; see jobs.ts): rolls the 7-day
// sales and repurchase windows forward and picks up buyers of newly recorded sales. Safe on
// several nodes at once: each run locks the marker row in `settings`.
registerJob({
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
});
