// The lot page's "wholesale terms" form: its text values to setLotTerms's input, and
// its failures named by the form's own fields (prices are typed in yuan as `unitPrice`).
import type { RequestEvent } from '@sveltejs/kit';
import { parseYuan } from '$lib/domain/money';
import { formAction } from '../edge';
import { AppError, type ErrorIssue } from '../errors';
import { setLotTerms } from './terms';

/** Rows the form may send (the policy's maximum is checked by the service). */
export const TERMS_FORM_ROWS = 20;

const WHOLE = /^\d{1,9}$/;

/** A service field (`priceBreaks.1.unitPriceFen`) as the form's (`priceBreaks.1.unitPrice`). */
export const termsFormField = (field: string | undefined) =>
	field?.replace(/\.unitPriceFen$/, '.unitPrice');

/**
 * The form's values as setLotTerms input. Rows are `priceBreaks.<i>.minQuantity` and
 * `priceBreaks.<i>.unitPrice` (yuan); empty rows after the last filled one are dropped, an empty
 * row between filled ones is an error on that row, so every index the service reports is the
 * row the supplier sees. Text that is not a number is refused here, with the field.
 */
export function termsFormToInput(values: Record<string, string>) {
	const issues: ErrorIssue[] = [];
	const whole = (field: string): number => {
		const s = (values[field] ?? '').trim();
		if (!WHOLE.test(s) || Number(s) < 1) {
			issues.push({ field, message: 'terms.err.whole' });
			return 0;
		}
		return Number(s);
	};
	const step = whole('step');
	const piecesPerCarton = whole('piecesPerCarton');
	const rows: { qty: string; price: string }[] = [];
	for (let i = 0; i < TERMS_FORM_ROWS; i++) {
		rows.push({
			qty: (values[`priceBreaks.${i}.minQuantity`] ?? '').trim(),
			price: (values[`priceBreaks.${i}.unitPrice`] ?? '').trim()
		});
	}
	while (rows.length && !rows[rows.length - 1]!.qty && !rows[rows.length - 1]!.price) rows.pop();
	const priceBreaks = rows.map((r, i) => {
		const minQuantity = whole(`priceBreaks.${i}.minQuantity`);
		const fen = parseYuan(r.price);
		if (fen === null || fen < 1)
			issues.push({ field: `priceBreaks.${i}.unitPrice`, message: 'terms.err.yuan' });
		return { minQuantity, unitPriceFen: fen ?? 0 };
	});
	if (issues.length) {
		throw new AppError('invalid', 'invalid_input', issues[0]!.message, {
			field: issues[0]!.field,
			issues: issues.length > 1 ? issues : undefined
		});
	}
	return { step, piecesPerCarton, priceBreaks };
}

export const lotTermsAction = (event: RequestEvent, lotId: string) =>
	formAction(
		undefined,
		async ({ principal, values }) => {
			await setLotTerms(principal(), lotId, termsFormToInput(values));
			return { action: 'terms', termsSaved: true };
		},
		{ action: 'terms', field: termsFormField }
	)(event);
