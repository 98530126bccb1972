/**
 * The wholesale trade module (issue 18; docs/TRADE.md): cart, checkout into escrow, the supplier's
 * queue, arrival, sampling inspection and release. The only writer of the trade_* tables. Every
 * state change goes through `move` (transition.ts); timers run in one job (timers.ts).
 */
export { cartView, removeCartLine, setCartLine } from './cart';
export { checkout, type CheckoutResult } from './checkout';
export { enabledProviders } from '../payments';
export {
	cancelUnpaid,
	confirmBankTransfer,
	confirmRefund,
	handlePaymentWebhook,
	payWithTestProvider,
	pendingBankTransfers,
	pendingRefunds,
	settleRefunds,
	type PendingTransfer,
	type RefundRun,
	type RefundView
} from './payments';
export { getOrder, listOrders } from './queries';
export {
	acceptAndRelease,
	acceptOrder,
	confirmArrival,
	packingList,
	packOrder,
	shipOrder,
	type PackingList
} from './lifecycle';
export {
	canReadTradeMedia,
	inspectionView,
	openTradeMedia,
	recordInspection,
	startInspection,
	uploadInspectionPhoto
} from './inspection';
export { carrierDelivered } from './carrier';
export { runTradeTimers } from './timers';
export { getLotTerms, setLotTerms, LotTermsInput, type LotTradeTermsView } from './terms';
export {
	confirmSamplePayment,
	deliverSample,
	getSample,
	issueTags,
	listSamples,
	lotSampleOffer,
	paySampleWithTestProvider,
	requestSample,
	reviewSample,
	shipSample,
	type SampleView
} from './samples';
export { runSampleTimers } from './sample-timers';
export {
	conversationFor,
	exportConversation,
	listMessages,
	markRead,
	openMessageMedia,
	postMessage,
	subjectOf,
	systemMessage,
	unreadCounts,
	verifyChain,
	type ConversationSubject,
	type ConversationView,
	type MessageView,
	type UnreadView
} from './messages';
export {
	agingExport,
	agingReport,
	applyForCredit,
	creditAccount,
	decideCredit,
	listCreditAccounts,
	myCredit,
	recordRepayment,
	writeOffInvoice,
	type CreditAccountView
} from './credit';
export { runCreditTimers } from './credit-timers';
export { creditReminders, type CreditReminderView } from './credit-reminders';
export { actOnDispute, disputeView, fileDispute, runDisputeTimers } from './disputes';
