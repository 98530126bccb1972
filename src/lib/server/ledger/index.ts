// The ledger module's public surface (docs/LEDGER.md).
export * from './service';
export {
	statement,
	resolvePeriod,
	PeriodQuery,
	type Statement,
	type StatementLine
} from './statements';
export {
	buyerStatement,
	BUYER_STATEMENT_KINDS,
	type BuyerStatement,
	type BuyerStatementKind,
	type BuyerStatementLine
} from './buyer-statement';
export { statementCsv, statementXlsx, buyerStatementCsv } from './export';
export {
	createPayout,
	markPayoutPaid,
	cancelPayout,
	listPayouts,
	type PayoutView
} from './payouts';
export { hostEarnings, supplierReceivables, platformRevenue } from './reports';
export { recordTradeMoney, tradeKey, TRADE_TXN_KINDS, type TradeTxnKind } from './trade-money';
export {
	tradeOrderMoney,
	type TradeOrderMoney,
	type TradeOrderTransaction,
	type TradeOrderEntry
} from './trade-order';
