import { parseSizeList } from '$lib/catalog/sizes';
import { parsePercentBp, parseYuan } from '$lib/domain/money';
import { AppError } from '../errors';

/**
 * The supplier portal's lot form (yuan, percentages, "S:10, M:20") to the API's input (fen,
 * basis points, objects). Problems name the form's own field.
 */
export function lotFormToInput(
	form: Record<string, string>,
	opts: { patch: boolean }
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const bad = (field: string, message: string) => {
		throw new AppError('invalid', 'invalid_input', message, { field });
	};
	const text = (k: string) => {
		if (k in form) out[k] = form[k]!.trim();
	};
	[
		'title',
		'supplierSku',
		'description',
		'source',
		'grade',
		'defectDescription',
		'warehouseProvince',
		'warehouseCity',
		'talkingPoints',
		'status'
	].forEach(text);
	// An emptied 货号 clears it on an edit; a new lot simply has none.
	if (out.supplierSku === '') {
		if (opts.patch) out.supplierSku = null;
		else delete out.supplierSku;
	}
	if (form.categoryId) out.categoryId = form.categoryId;
	if ('brandId' in form) out.brandId = form.brandId || null;
	const money = (k: string, key: string) => {
		if (!form[k]?.trim()) return;
		const fen = parseYuan(form[k]);
		if (fen === null || fen === 0) bad(k, 'lot.err.amount');
		out[key] = fen;
	};
	money('tagPrice', 'tagPriceFen');
	money('unitPrice', 'unitPriceFen');
	const int = (k: string) => {
		if (!form[k]?.trim()) return;
		if (!/^\d+$/.test(form[k]!.trim())) bad(k, 'lot.err.integer');
		out[k] = Number(form[k]!.trim());
	};
	int('moq');
	int('onHand');
	if ('sizes' in form) {
		const sizes = parseSizeList(form.sizes ?? '');
		if (sizes === null) bad('sizes', 'import.err.sizes');
		out.sizeBreakdown = sizes;
	}
	if (form.commission?.trim()) {
		const bp = parsePercentBp(form.commission);
		if (bp === null) bad('commission', 'lot.err.percent');
		out.commissionBp = bp;
	}
	out.dropshipAllowed = form.dropshipAllowed === 'on' || form.dropshipAllowed === 'true';
	const attrs: Record<string, string> = {};
	for (const [k, v] of Object.entries(form)) if (k.startsWith('attr.') && v) attrs[k.slice(5)] = v;
	out.attributes = attrs;
	if (!opts.patch) {
		for (const k of [
			'description',
			'defectDescription',
			'talkingPoints',
			'warehouseProvince',
			'warehouseCity'
		])
			if (out[k] === '') delete out[k];
	}
	if (out.defectDescription === '') out.defectDescription = null;
	return out;
}

/** Which form field an API field's error belongs to. */
export function formField(field: string | undefined): string | undefined {
	if (!field) return field;
	const map: Record<string, string> = {
		unitPriceFen: 'unitPrice',
		tagPriceFen: 'tagPrice',
		discountBp: 'unitPrice',
		sizeBreakdown: 'sizes',
		commissionBp: 'commission',
		categoryPath: 'categoryId'
	};
	if (field.startsWith('attributes.')) return `attr.${field.slice(11)}`;
	if (field.startsWith('sizeBreakdown')) return 'sizes';
	return map[field] ?? field;
}
