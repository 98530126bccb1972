// The orders module: consumer orders from shows, routed per supplier into fulfilments.
import { registerSaleFactSource } from '../catalog/sales';
import { linkLedgerToOrders } from '../ledger/link-orders';
import { dropshipSaleFacts } from './sale-facts';

// Every order event posts its money in the same transaction (payment, refunds, settlement clock).
linkLedgerToOrders();
// The catalog's stats job reads the sale facts of placed orders from the orders' own rows.
registerSaleFactSource(dropshipSaleFacts);

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
export { orderHooks } from './hooks';
