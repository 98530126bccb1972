// The stock module's wiring: watching lots' counters over socket.io.
import type { Module } from '../module';
import { lotWatchHandler } from './watch';

export const stockModule: Module = {
	name: 'stock',
	socketHandlers: [lotWatchHandler]
};
