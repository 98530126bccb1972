// Wires the ledger into the running server: the settlement job.
import { currentPolicy } from '../platform/policy';
import { registerJob } from '../jobs';
import { logger } from '../log';
import { settleDue } from './service';

registerJob({
	name: 'ledger-settlement',
	// read when the jobs start (after ready() took in the operator's policy)
	get everyMs() {
		return currentPolicy().money.settleEveryMinutes * 60_000;
	},
	run: async () => {
		const r = await settleDue();
		if (r.settled > 0) logger().info(r, 'ledger: settled sale lines');
		return r;
	}
});
