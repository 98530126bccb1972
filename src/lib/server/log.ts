import pino from 'pino';
import { env } from './env';

const key = Symbol.for('lotlive.logger');
type G = typeof globalThis & { [key]?: pino.Logger };

/** Structured JSON logs (pino). One logger per process, shared by SvelteKit and the server entry. */
export function logger(): pino.Logger {
	const g = globalThis as G;
	if (!g[key]) {
		g[key] = pino({
			level: env().LOG_LEVEL,
			base: { app: 'lotlive', pid: process.pid },
			timestamp: pino.stdTimeFunctions.isoTime
		});
	}
	return g[key];
}
