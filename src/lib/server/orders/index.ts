// The orders module: consumer orders from shows, routed per supplier into fulfilments. Its
// wiring (sale facts, OpenAPI) is in module.ts; the ledger posts the money of its events by
// subscribing to them (events/map.ts), so this module imports nothing of the ledger.

export { placeOrder, type PlaceResult, type OrderSource } from './place';
export {
	transitionFulfilment,
	bulkShip,
	readShipSheet,
	claimDefects,
	refundLine,
	type BulkShipReport
} from './fulfil';
export {
	getFulfilment,
	orderView,
	getOrder,
	supplierQueue,
	supplierFulfilments,
	showOrders,
	fulfilmentHistory,
	sideOf,
	type FulfilmentView,
	type FulfilmentWithActions,
	type OrderView,
	type ShowOrdersView
} from './queries';
export { freightQuote, freightQuotes, listRates, upsertRate } from './freight';
export { importOrders, bulkShipSheet, type OrderImportReport } from './import';
