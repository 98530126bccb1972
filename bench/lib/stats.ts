import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds a process has used (user + system), from /proc: a server's cost per request. */
export function cpuSeconds(pid: number | undefined): number {
	try {
		const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return NaN;
	}
}

/**
 * CPU seconds used so far by the Postgres backends connected to one database, when Postgres runs
 * on this machine (from /proc; NaN elsewhere): the database's share of a run. A backend that
 * exits during the run takes its share with it.
 */
export function databaseCpuSeconds(database: string): number {
	let total = 0;
	let found = false;
	try {
		for (const pid of readdirSync('/proc')) {
			if (!/^\d+$/.test(pid)) continue;
			let cmd: string;
			try {
				cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
			} catch {
				continue;
			}
			// "postgres: 15/main: <user> <database> <client> <state>"
			if (!cmd.startsWith('postgres: ') || !cmd.split(' ').includes(database)) continue;
			const s = cpuSeconds(Number(pid));
			if (Number.isFinite(s)) {
				total += s;
				found = true;
			}
		}
	} catch {
		return NaN;
	}
	return found ? total : NaN;
}

/** This machine's CPU time so far (all cores, in ticks) and how much of it the hypervisor stole. */
export function machineTicks(): { total: number; steal: number } {
	try {
		const cpu = readFileSync('/proc/stat', 'utf8')
			.split('\n')[0]!
			.split(/\s+/)
			.slice(1)
			.map(Number);
		return { total: cpu.slice(0, 8).reduce((a, b) => a + b, 0), steal: cpu[7] ?? 0 };
	} catch {
		return { total: NaN, steal: NaN };
	}
}

/** Percentile of a list of numbers (nearest-rank). */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank]!;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Prints the bench's single JSON line of figures. */
export function report(figures: Record<string, unknown>): void {
	process.stdout.write(JSON.stringify(figures) + '\n');
}
