// The stock module's wiring: watching lots' counters over socket.io, and pushing them to the
// watchers of lots and shows after every committed change (its own stock.changed).
import type { Module } from '../module';
import { lotWatchHandler, pushCounters } from './watch';

export const stockModule: Module = {
	name: 'stock',
	socketHandlers: [lotWatchHandler],
	subscriptions: [{ event: 'stock.changed', afterCommit: pushCounters }]
};
