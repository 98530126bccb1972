// Test harness only (never part of the app): loaded into a server process a spec starts itself
// (`node --import`, see trade-flow.spec.ts), it moves that process's wall clock forward by the
// number of milliseconds written in the file E2E_CLOCK_FILE (read at most every 200 ms), so a
// spec can let 48 hours pass for the server's timer jobs without waiting for them. `Date.now()`
// and `new Date()` follow the offset; dates made from a value are untouched.
import { readFileSync } from 'node:fs';

const file = process.env.E2E_CLOCK_FILE;
if (file) {
	const RealDate = Date;
	let offset = 0;
	let readAt = 0;
	const shift = () => {
		const t = RealDate.now();
		if (t - readAt > 200) {
			readAt = t;
			try {
				offset = Number(readFileSync(file, 'utf8').trim()) || 0;
			} catch {
				offset = 0;
			}
		}
		return offset;
	};
	// A plain function, so `Date()` without `new` keeps working; instances are real Dates.
	function ShiftedDate(...args) {
		const d = args.length === 0 ? new RealDate(RealDate.now() + shift()) : new RealDate(...args);
		return new.target ? d : d.toString();
	}
	ShiftedDate.prototype = RealDate.prototype;
	ShiftedDate.now = () => RealDate.now() + shift();
	ShiftedDate.parse = RealDate.parse;
	ShiftedDate.UTC = RealDate.UTC;
	globalThis.Date = ShiftedDate;
}
