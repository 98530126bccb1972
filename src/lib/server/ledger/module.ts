// Wires the ledger into the running server: the settlement job.
import { DEFAULT_POLICY } from '$lib/domain/policy';
import { registerJob } from '../jobs';
import { logger } from '../log';
import { settleDue } from './service';

registerJob({
	name: 'ledger-settlement',
	everyMs: DEFAULT_POLICY.money.settleEveryMinutes * 60_000,
	run: async () => {
		const r = await settleDue();
		if (r.settled > 0) logger().info(r, 'ledger: settled sale lines');
		return r;
	}
});
