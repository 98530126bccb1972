// The orders module: consumer orders from shows, routed per supplier into fulfilments.
import { linkLedgerToOrders } from '../ledger/link-orders';

// Every order event posts its money in the same transaction (payment, refunds, settlement clock).
linkLedgerToOrders();

export { placeOrder, buyerKey, type PlaceResult, type OrderSource } from './place';
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
export { orderHooks } from './hooks';
