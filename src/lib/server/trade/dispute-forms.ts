// The dispute pages' forms (issue 20): the buyer's filing form on the order page and the steps on
// the buyer's and the supplier's dispute pages, their text values turned into the raw bodies the
// dispute API validates (dispute-api.ts), and the service's field names turned back into the
// form's own (`lines.<row>.loss` for `lines.<n>.lossBp`, `refund` for `refundFen`). Numbers that
// do not read as numbers are passed on as typed, so the service refuses them at their field.
import { parsePercentBp, parseYuan } from '$lib/domain/money';
import { AppError } from '../errors';

/** The order lines the filing form may send (one row per order line, in the page's order). */
export const DISPUTE_FORM_ROWS = 200;

const WHOLE = /^\d{1,9}$/;

const text = (values: Record<string, string>, name: string) => (values[name] ?? '').trim();

/** "12.50" → 1250 fen; "" → undefined; anything else as typed (the service names it). */
export function yuanField(v: string): number | string | undefined {
	if (v === '') return undefined;
	return parseYuan(v) ?? v;
}

/** The filing form's values as the file body, and which form row each manifest line came from. */
export function fileFormToBody(
	orderId: string,
	values: Record<string, string>,
	evidence: readonly string[]
): { body: Record<string, unknown>; rows: number[] } {
	const rows: number[] = [];
	const lines: Record<string, unknown>[] = [];
	for (let i = 0; i < DISPUTE_FORM_ROWS; i++) {
		const lineId = text(values, `lines.${i}.lineId`);
		if (!lineId) continue;
		const qty = text(values, `lines.${i}.quantity`);
		// A line left without an affected quantity is not in question.
		if (qty === '' || qty === '0') continue;
		const loss = text(values, `lines.${i}.loss`);
		rows.push(i);
		lines.push({
			lineId,
			quantity: WHOLE.test(qty) ? Number(qty) : qty,
			problem: text(values, `lines.${i}.problem`),
			lossBp: loss === '' ? 0 : (parsePercentBp(loss) ?? loss)
		});
	}
	const refund = yuanField(text(values, 'refund'));
	const description = (values.description ?? '').trim();
	return {
		body: {
			orderId,
			lines,
			remedy: text(values, 'remedy'),
			...(refund !== undefined ? { refundFen: refund } : {}),
			...(description ? { description } : {}),
			evidence: evidence.filter((id) => id !== '').map((uploadId) => ({ uploadId }))
		},
		rows
	};
}

/** A service field of the filing as the form's: manifest lines by their form row. */
export function fileFormField(field: string | undefined, rows: readonly number[]) {
	if (field === undefined) return undefined;
	const m = /^lines\.(\d+)(?:\.(\w+))?$/.exec(field);
	if (m) {
		const row = rows[Number(m[1])];
		if (row === undefined) return 'lines';
		if (!m[2]) return `lines.${row}.quantity`;
		return `lines.${row}.${m[2] === 'lossBp' ? 'loss' : m[2]}`;
	}
	if (field === 'refundFen') return 'refund';
	if (field.startsWith('evidence')) return 'evidence';
	return field;
}

/** The same failure with its fields (and its issues' fields) named as the form names them. */
export function withFormFields(e: unknown, map: (field: string | undefined) => string | undefined) {
	if (!(e instanceof AppError)) return e;
	const field = map(e.field);
	return new AppError(e.kind, e.code, e.message, {
		...(field !== undefined ? { field } : {}),
		...(e.details ? { details: e.details } : {}),
		...(e.params ? { params: e.params } : {}),
		...(e.issues ? { issues: e.issues.map((i) => ({ ...i, field: map(i.field) ?? i.field })) } : {})
	});
}

/** The supplier's answer: `answer` accept | reject | counter, with `refund` (yuan) to counter. */
export function answerFormToBody(values: Record<string, string>): Record<string, unknown> {
	const answer = text(values, 'answer');
	if (answer !== 'counter') return { answer };
	const refund = yuanField(text(values, 'refund'));
	return { answer, ...(refund !== undefined ? { refundFen: refund } : {}) };
}

/** The return's carrier and tracking number. */
export function returnShipFormToBody(values: Record<string, string>) {
	return { carrier: text(values, 'carrier'), trackingNo: text(values, 'trackingNo') };
}

/** The evidence form: the finished uploads' ids (repeated `evidence`). */
export function evidenceFormToBody(evidence: readonly string[]) {
	return { evidence: evidence.filter((id) => id !== '').map((uploadId) => ({ uploadId })) };
}

/** Answer / return fields as the forms name them (`refundFen` → `refund`, uploads → `evidence`). */
export const stepFormField = (field: string | undefined) =>
	field === 'refundFen' ? 'refund' : field?.startsWith('evidence') ? 'evidence' : field;
