import { readFileSync } from 'node:fs';

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
