import type zh from '../zh-CN/lot-import';

export default {
	'lot.err.sku': 'The SKU code may not contain spaces, commas or semicolons.',
	'lot.err.sku_taken': 'Another of your lots already has this SKU code.',
	'import.err.sku_duplicate': 'SKU “{sku}” already appears in row {row}.',
	'import.err.sku_exists':
		'A lot with SKU “{sku}” exists; import in “add and update” mode to update it.',
	'import.err.stale':
		'The lots changed since the preview (stock locked, sold or edited); nothing was written. Check the fresh preview below, then import again.',
	'form.sku': 'SKU code (your own)',
	'form.sku_hint':
		'Optional, unique among your lots. A re-imported sheet updates stock, price, status and description by this code.',
	'imp.update_help':
		'When the sheet has a “货号” (SKU) column, a row whose SKU matches one of your lots updates that lot’s stock, unit price (or discount), status and description: the price must stay within the grade’s band and stock cannot drop below what is locked and allocated. Other rows add lots. Preview first; nothing is written unless every row passes.',
	'imp.preview_btn': 'Upload and preview',
	'imp.preview_title': 'Import preview',
	'imp.preview_help':
		'This is what the import will do; nothing has been written yet. Press “Confirm import” to apply it.',
	'imp.kind.added': 'Added',
	'imp.kind.changed': 'Changed',
	'imp.kind.unchanged': 'Unchanged',
	'imp.kind.refused': 'Refused',
	'imp.kind_count': '{kind}: {n} rows',
	'imp.sku': 'SKU',
	'imp.lot_title': 'Lot',
	'imp.change': 'Change',
	'imp.confirm': 'Confirm import',
	'imp.applied': 'Imported: {created} lots added, {updated} updated, {unchanged} unchanged.',
	'imp.field.onHand': 'Stock',
	'imp.field.unitPriceFen': 'Unit price',
	'imp.field.status': 'Status',
	'imp.field.description': 'Description'
} satisfies Record<keyof typeof zh, string>;
