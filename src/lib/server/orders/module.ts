// The orders module's wiring: the sale facts of its dropship orders (pulled by the catalog's stats
// job) and its OpenAPI part. Its events (order.placed, fulfilment.moved, line.refunded,
// supplier.charged) are published from place.ts and fulfil.ts; it subscribes to none.
import type { Module } from '../module';
import { ordersOpenApi } from './openapi';
import { dropshipSaleFacts } from './sale-facts';

export const ordersModule: Module = {
	name: 'orders',
	saleFacts: [dropshipSaleFacts],
	openapi: ordersOpenApi
};
