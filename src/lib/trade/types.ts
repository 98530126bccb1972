// What the trade module shows its callers (pages, API, socket clients): plain JSON-safe shapes
// shared by the server and the browser. Dates are ISO strings. Money is integer fen.
import type { PackagingOption } from '$lib/domain/trade/policy';
import type { TimerName, TradeAction, TradeOrderState } from '$lib/domain/trade/order-state';
import type { PieceResult } from '$lib/domain/trade/inspection';

export type { PackagingOption, TimerName, TradeAction, TradeOrderState, PieceResult };

export interface TradeShipTo {
	name: string;
	phone: string;
	province: string;
	city: string;
	district: string;
	address: string;
}

/** A field problem of the cart (same codes as domain/trade/cart.ts CartErrorCode). */
export interface TradeFieldProblem {
	/** e.g. `lines.2.quantity` */
	field: string;
	code: string;
	/** Translated for the caller. */
	message: string;
	params?: Record<string, string | number>;
}

export interface CartLineView {
	lotId: string;
	title: string;
	grade: 'A' | 'B' | 'C';
	supplierId: string;
	supplierName: string;
	warehouse: { province: string; city: string };
	coverUrl: string | null;
	quantity: number;
	moq: number;
	step: number;
	/** Free stock now (on hand − locked − allocated). */
	available: number;
	unitPriceFen: number;
	tagPriceFen: number;
	/** Price breaks of the lot, for the UI's "buy N more to pay ¥x" hint. */
	priceBreaks: { minQuantity: number; unitPriceFen: number }[];
	packaging: PackagingOption[];
	goodsFen: number;
	packagingFen: number;
	lineFen: number;
}

export interface CartGroupView {
	supplierId: string;
	supplierName: string;
	warehouse: { province: string; city: string };
	pieces: number;
	/** The policy's mixed-batch minimum and whether this group reaches it. */
	mixedBatchMin: number;
	goodsFen: number;
	packagingFen: number;
	/** Freight to the buyer's province (partner rate) and the market rate; null when no route. */
	freight: { partnerFen: number; marketFen: number; carrier: string } | null;
	totalFen: number;
}

export interface CartView {
	lines: CartLineView[];
	groups: CartGroupView[];
	/** Every problem at once; checkout is refused while this is not empty. */
	problems: TradeFieldProblem[];
	/** The province freight is quoted to (the buyer's last ship-to, else the org's). */
	destProvince: string | null;
	goodsFen: number;
	packagingFen: number;
	freightFen: number;
	totalFen: number;
	updatedAt: string;
}

export interface TradeOrderLineView {
	id: string;
	lotId: string;
	title: string;
	grade: 'A' | 'B' | 'C';
	quantity: number;
	unitPriceFen: number;
	goodsFen: number;
	packaging: PackagingOption[];
	packagingFen: number;
	creditFen: number;
	lineFen: number;
	piecesPerCarton: number;
}

export interface TradeParcelView {
	id: string;
	carrier: string;
	trackingNo: string;
	cartons: number;
	shippedAt: string;
	deliveredAt: string | null;
	/** A replacement shipment (severe-defect rule or exchange), not the original. */
	replacement?: boolean;
}

/** A replacement the supplier owes on the order (issue 20; docs/TRADE.md "Replacements"). */
export interface TradeReplacementView {
	id: string;
	source: 'exchange' | 'severe_defect';
	state: 'due' | 'shipped' | 'missed';
	pieces: number;
	/** Escrow held for the pieces until it ships (released) or is missed (refunded). */
	heldFen: number;
	freightChargeFen: number;
	releasedFen: number;
	refundedFen: number;
	dueAt: string;
	shippedAt: string | null;
	closedAt: string | null;
	lines: { lineId: string; quantity: number; heldFen: number }[];
	parcels: TradeParcelView[];
}

export interface TradePaymentView {
	intentId: string;
	provider: 'bank_transfer' | 'test';
	status: 'created' | 'pending' | 'confirmed' | 'failed' | 'cancelled';
	amountFen: number;
	/** Bank account, memo to quote… (bank transfer); empty for the test provider. */
	instructions: Record<string, string>;
	expiresAt: string | null;
}

export interface TradeOrderEventView {
	from: TradeOrderState | null;
	to: TradeOrderState;
	action: string;
	actor: 'buyer' | 'supplier' | 'operator' | 'system';
	note: string | null;
	at: string;
}

export interface TradeOrderView {
	id: string;
	number: number;
	checkoutId: string;
	state: TradeOrderState;
	/** Bumped on every change; clients drop events older than what they show. */
	version: number;
	buyerOrgId: string;
	buyerName: string;
	supplierId: string;
	supplierName: string;
	warehouse: { province: string; city: string };
	shipTo: TradeShipTo;
	goodsFen: number;
	packagingFen: number;
	freightFen: number;
	freightMarketFen: number;
	creditFen: number;
	totalFen: number;
	feeBp: number;
	createdAt: string;
	paidAt: string | null;
	acceptedAt: string | null;
	packedAt: string | null;
	shippedAt: string | null;
	arrivedAt: string | null;
	acceptedByBuyerAt: string | null;
	releasedAt: string | null;
	closedAt: string | null;
	/** The running timer and its deadline (null when none runs). */
	timer: TimerName | null;
	dueAt: string | null;
	lines: TradeOrderLineView[];
	parcels: TradeParcelView[];
	/** Replacement shipments owed or made (exchange, severe-defect rule), with their deadlines. */
	replacements: TradeReplacementView[];
	payment: TradePaymentView | null;
	/** What the viewer may do now (domain actionsFor, for the viewer's side). */
	actions: TradeAction[];
	events: TradeOrderEventView[];
}

/** A row of an order list (no lines/events). */
export type TradeOrderSummary = Omit<
	TradeOrderView,
	'lines' | 'parcels' | 'events' | 'replacements'
> & {
	pieces: number;
	lineCount: number;
};

export interface InspectionPieceView {
	lineId: string;
	/** 0-based piece number in packing order, and where it is. */
	piece: number;
	carton: number;
	position: number;
	result: PieceResult | null;
	photos: { key: string; url: string }[];
	note: string;
}

export interface InspectionLineVerdictView {
	lineId: string;
	inspected: number;
	minor: number;
	severe: number;
	/** Rates in basis points, and whether they are within the grade's allowance. */
	defectBp: number;
	severeBp: number;
	allowedDefectBp: number;
	allowedSevereBp: number;
	withinAllowance: boolean;
}

export interface InspectionView {
	orderId: string;
	samplingBp: number;
	startedAt: string;
	submittedAt: string | null;
	/** Drawn pieces of every line, in carton order. */
	lines: {
		lineId: string;
		title: string;
		grade: 'A' | 'B' | 'C';
		quantity: number;
		sampleSize: number;
		pieces: InspectionPieceView[];
	}[];
	video: { key: string; url: string } | null;
	/** Per-line verdicts of what is recorded so far. */
	verdicts: InspectionLineVerdictView[];
	severePieces: number;
	/** Set when 3+ severe pieces: the replacement is due by then. */
	replacementDueAt: string | null;
	/** When the 48 h window ends (auto-acceptance). */
	windowEndsAt: string | null;
}
