/**
 * Form posts of the buyer's trade pages turned into the raw input the trade services validate
 * (zod, in the services): numbers that look like whole numbers become numbers, everything else
 * is passed on as typed so the service refuses it at its field. Pure, shared by the form actions.
 */
const text = (data: FormData, name: string): string => {
	const v = data.get(name);
	return typeof v === 'string' ? v.trim() : '';
};

/** "120" → 120; "" → undefined; "1.5", "abc" → as typed (the service says what is wrong). */
export function wholeNumber(v: string): number | string | undefined {
	if (v === '') return undefined;
	return /^\d{1,12}$/.test(v) ? Number(v) : v;
}

/** A cart line: `lotId`, `quantity`, `packaging` (repeated checkbox). */
export function cartLineFromForm(data: FormData) {
	const packaging = data
		.getAll('packaging')
		.filter((v): v is string => typeof v === 'string' && v !== '');
	return {
		lotId: text(data, 'lotId'),
		quantity: wholeNumber(text(data, 'quantity')),
		packaging
	};
}

export const SHIP_TO_FIELDS = ['name', 'phone', 'province', 'city', 'district', 'address'] as const;

/** The checkout form: ship-to fields (`shipTo.<field>`) and the payment provider. */
export function checkoutFromForm(data: FormData) {
	const shipTo = Object.fromEntries(SHIP_TO_FIELDS.map((f) => [f, text(data, `shipTo.${f}`)]));
	const paymentMode = text(data, 'paymentMode');
	// On credit terms (issue 21) only when asked; the service validates the value.
	return { shipTo, provider: text(data, 'provider'), ...(paymentMode ? { paymentMode } : {}) };
}

/** One inspected piece: `lineId`, `piece`, `result`, `note`, kept photo keys (`photos`). */
export function inspectionItemFromForm(data: FormData, newPhotoKey?: string) {
	const photos = data
		.getAll('photos')
		.filter((v): v is string => typeof v === 'string' && v !== '');
	if (newPhotoKey) photos.push(newPhotoKey);
	const note = text(data, 'note');
	return {
		lineId: text(data, 'lineId'),
		piece: wholeNumber(text(data, 'piece')),
		result: text(data, 'result'),
		...(note ? { note } : {}),
		...(photos.length ? { photos } : {})
	};
}
