// The stock module's wiring: watching lots' counters over socket.io. When server/stock/ lands
// (the one writer of lot counters and locks), this entry moves to server/stock/module.ts.
import type { Module } from '../module';
import { lotWatchHandler } from './stock';

export const stockModule: Module = {
	name: 'stock',
	socketHandlers: [lotWatchHandler]
};
