// The lot import: checks every row of a sheet (import-sheet.ts reads it, import-check.ts checks
// it), previews it, and applies it in one transaction through the catalog's lot write.
import type { Principal } from '../auth/principal';
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { db, type DbOrTx } from '../db';
import { lots, type Lot } from '../db/schema';
import { AppError } from '../errors';
import { publishStock } from '../stock';
import { isOperator } from './actor';
import {
	checkCreateRow,
	checkUpdateRow,
	lotFingerprint,
	UPDATE_FIELDS,
	type ImportRow,
	type RowProblem
} from './import-check';
import {
	columnLetter,
	IMPORT_COLUMNS,
	readSheet,
	REQUIRED_FOR_CREATE,
	rowToInput,
	str,
	type Cell,
	type Col,
	type RowContext
} from './import-sheet';
import { derivedColumns, loadLotContext, type LotDraft } from './lot-rules';
import { skuTaken, writeLotDraft } from './lots';
import { getSupplier } from './suppliers';

/** One problem in an import: spreadsheet row (header is row 1), column header, cell, message key. */
export interface ImportError {
	row: number;
	column: string;
	cell: string;
	code: string;
	message: string;
	params?: Record<string, string | number>;
}

export interface ImportProgress {
	phase: 'read' | 'check' | 'write' | 'done';
	done: number;
	total: number;
}

export interface ImportResult {
	/** Every row passed its checks (and, unless a dry run, was written). */
	ok: boolean;
	/** A dry run: what would happen, nothing written. */
	dryRun: boolean;
	rows: number;
	created: number;
	updated: number;
	unchanged: number;
	/** Every problem of every row, found in one pass. */
	errors: ImportError[];
	/** Ids of the lots created, in row order. */
	ids: string[];
	/** One entry per data row, in sheet order. */
	preview: ImportRow[];
	/**
	 * Fingerprint of the plan and of the lots it touches (their counters, prices, status). Send
	 * it back with the apply: if anything moved since the preview, the apply refuses (stale).
	 */
	token: string;
	/** The apply was refused because the lots changed since the preview that gave `token`. */
	stale?: boolean;
}

export interface ImportOptions {
	onProgress?: (p: ImportProgress) => void;
	supplierId?: string;
	/** Check and preview only; write nothing. */
	dryRun?: boolean;
	/** `upsert` (default): rows whose 货号 matches a lot update it; `create`: such rows are refused. */
	mode?: 'upsert' | 'create';
	/** The token of the preview this apply confirms. */
	expectToken?: string;
}

/**
 * Imports lots from a CSV (UTF-8 or GB18030) or XLSX sheet for the acting supplier. A row whose
 * 货号 (supplier SKU) matches one of the supplier's lots updates that lot's stock, price (within
 * its grade's band), status and description, through the same rules and write as editing the
 * lot; any other row creates a lot. Every row is checked first and every problem of every row is
 * listed (row, column, message); if there is any, nothing is written. With `dryRun` nothing is
 * written either way and the result previews each row (added / changed / unchanged / refused);
 * an apply with the preview's `expectToken` is refused as stale if the lots moved since.
 */
export async function importLots(
	actor: Principal,
	file: { bytes: Uint8Array },
	opts: ImportOptions = {}
): Promise<ImportResult> {
	const operator = isOperator(actor);
	const supplierId = operator ? opts.supplierId : actor.orgId;
	if (!(actor.role === 'supplier_staff' || operator) || !supplierId)
		throw new AppError('forbidden', 'forbidden', 'lot.err.supplier_only');
	const sup = await getSupplier(supplierId);
	if (!sup) throw new AppError('forbidden', 'forbidden', 'lot.err.no_supplier_profile');
	if (sup.status === 'blocked' && !operator)
		throw new AppError('forbidden', 'forbidden', 'lot.err.supplier_blocked');
	const progress = opts.onProgress ?? (() => {});
	const mode = opts.mode ?? 'upsert';
	const sheet = await readSheet(file.bytes);
	const header = (sheet[0] ?? []).map((h) => str(h));
	const cols: Partial<Record<Col, number>> = {};
	header.forEach((h, i) => {
		const k = h
			.toLowerCase()
			.replace(/[（(].*[)）]$/, '')
			.trim();
		for (const [col, names] of Object.entries(IMPORT_COLUMNS) as [Col, readonly string[]][])
			if (cols[col] === undefined && names.includes(k)) cols[col] = i;
	});
	const dataRows = sheet
		.slice(1)
		.map((cells, i) => ({ cells, row: i + 2 }))
		.filter((r) => r.cells.some((c) => str(c) !== ''));
	const total = dataRows.length;
	progress({ phase: 'read', done: total, total });
	const base = await loadLotContext();
	if (total > base.policy.catalog.importMaxRows)
		throw new AppError('rule', 'too_many_rows', 'import.err.too_many_rows', {
			field: 'file',
			params: { max: base.policy.catalog.importMaxRows }
		});
	const ctx: RowContext = {
		...base,
		brandsByName: new Map(
			[...base.brandsById.values()].flatMap((b) => [
				[b.name.toLowerCase(), b.id],
				...(b.nameEn ? [[b.nameEn.toLowerCase(), b.id] as [string, string]] : [])
			])
		),
		categoryByName: new Map()
	};
	for (const c of base.categoriesByPath.values()) {
		if (!c.isLeaf) continue;
		for (const n of [c.nameZh, c.nameEn.toLowerCase()])
			ctx.categoryByName.set(n, ctx.categoryByName.has(n) ? null : c.path);
	}
	const skuOf = (cells: Cell[]) => (cols.sku === undefined ? '' : str(cells[cols.sku]));
	const skus = [...new Set(dataRows.map((r) => skuOf(r.cells)).filter(Boolean))];

	/** Checks every row against the lots as `tx` sees them: the plan, with every problem. */
	const plan = async (tx: DbOrTx, lock: boolean) => {
		const existing = new Map<string, Lot>();
		if (skus.length) {
			const q = tx
				.select()
				.from(lots)
				.where(and(eq(lots.supplierId, supplierId), inArray(lots.supplierSku, skus)))
				.orderBy(lots.id);
			for (const l of await (lock ? q.for('update') : q)) existing.set(l.supplierSku!, l);
		}
		const errors: ImportError[] = [];
		const headerName = (col: Col) =>
			cols[col] !== undefined ? header[cols[col]!]! : IMPORT_COLUMNS[col][0];
		const cellRef = (col: Col, row: number) =>
			cols[col] !== undefined ? `${columnLetter(cols[col]!)}${row}` : '';
		const push = (row: number, p: RowProblem) =>
			errors.push({
				row,
				column: headerName(p.col),
				cell: cellRef(p.col, row),
				code: p.code,
				message: p.message,
				params: p.params
			});
		const creating = dataRows.filter((r) => mode === 'create' || !existing.has(skuOf(r.cells)));
		const missing = new Set<Col>();
		if (creating.length || total === 0) {
			for (const required of REQUIRED_FOR_CREATE)
				if (cols[required] === undefined) missing.add(required);
			if (cols.unitPrice === undefined && cols.discount === undefined) missing.add('unitPrice');
			for (const col of missing)
				errors.push({
					row: 1,
					column: IMPORT_COLUMNS[col][0],
					cell: '',
					code: 'missing_column',
					message: 'import.err.missing_column',
					params: { column: IMPORT_COLUMNS[col][0] }
				});
		}
		if (total === 0 && errors.length === 0)
			errors.push({ row: 2, column: '', cell: '', code: 'empty', message: 'import.err.empty' });

		const preview: ImportRow[] = [];
		const creates: { row: number; draft: LotDraft }[] = [];
		const updates: { row: number; lot: Lot; draft: LotDraft }[] = [];
		const fingerprint: unknown[] = [mode, supplierId];
		const firstRowOfSku = new Map<string, number>();
		for (const [k, { cells, row }] of dataRows.entries()) {
			const sku = skuOf(cells) || null;
			const title = str(cols.title === undefined ? null : cells[cols.title]);
			const { input, errors: cellErrors } = rowToInput(cells, cols, ctx);
			if (sku) input.supplierSku = sku;
			const lot = sku ? existing.get(sku) : undefined;
			let problems: RowProblem[];
			if (sku && firstRowOfSku.has(sku)) {
				problems = [
					{
						col: 'sku',
						code: 'duplicate_sku',
						message: 'import.err.sku_duplicate',
						params: { row: firstRowOfSku.get(sku)!, sku }
					}
				];
			} else if (lot && mode === 'create') {
				problems = [
					{ col: 'sku', code: 'sku_taken', message: 'import.err.sku_exists', params: { sku: sku! } }
				];
			} else if (lot) {
				const r = checkUpdateRow(lot, input, cellErrors, ctx, operator);
				problems = r.problems;
				fingerprint.push(row, lotFingerprint(lot));
				if (r.draft) {
					const changes = UPDATE_FIELDS.filter((f) => r.draft![f] !== lot[f]).map((f) => ({
						field: f,
						before: lot[f],
						after: r.draft![f]
					}));
					fingerprint.push(changes);
					if (changes.length) {
						updates.push({ row, lot, draft: r.draft });
						preview.push({
							row,
							kind: 'changed',
							sku: sku!,
							title: lot.title,
							lotId: lot.id,
							changes
						});
					} else
						preview.push({ row, kind: 'unchanged', sku: sku!, title: lot.title, lotId: lot.id });
				}
			} else {
				const r = checkCreateRow(input, cellErrors, missing, ctx, sup, operator);
				problems = r.problems;
				if (r.draft) {
					creates.push({ row, draft: r.draft });
					preview.push({ row, kind: 'added', sku, title });
					fingerprint.push(row, r.draft);
				}
			}
			if (sku && !firstRowOfSku.has(sku)) firstRowOfSku.set(sku, row);
			if (problems.length) {
				for (const p of problems) push(row, p);
				preview.push({ row, kind: 'refused', sku, title: lot?.title ?? title });
			}
			if ((k + 1) % 500 === 0) progress({ phase: 'check', done: k + 1, total });
		}
		progress({ phase: 'check', done: total, total });
		const token = createHash('sha256').update(JSON.stringify(fingerprint)).digest('base64url');
		return { errors, preview, creates, updates, token };
	};

	const result = (
		p: Awaited<ReturnType<typeof plan>>,
		extra: Partial<ImportResult> = {}
	): ImportResult => ({
		ok: p.errors.length === 0,
		dryRun: !!opts.dryRun,
		rows: total,
		created: 0,
		updated: 0,
		unchanged: p.preview.filter((r) => r.kind === 'unchanged').length,
		errors: p.errors,
		ids: [],
		preview: p.preview,
		token: p.token,
		...extra
	});

	if (opts.dryRun) {
		const p = await plan(db(), false);
		progress({ phase: 'done', done: total, total });
		return result(p);
	}

	const outcome = await db()
		.transaction(async (tx) => {
			const p = await plan(tx, true);
			if (p.errors.length) return { r: result(p), stockChanged: [] as string[] };
			if (opts.expectToken !== undefined && opts.expectToken !== p.token)
				return {
					r: result(p, {
						ok: false,
						stale: true,
						errors: [
							{ row: 1, column: '', cell: '', code: 'import_stale', message: 'import.err.stale' }
						]
					}),
					stockChanged: [] as string[]
				};
			const ids: string[] = [];
			const BATCH = 500;
			for (let k = 0; k < p.creates.length; k += BATCH) {
				const batch = p.creates.slice(k, k + BATCH).map(({ draft: d }) => ({
					...d,
					supplierId: sup.orgId,
					...derivedColumns(d, base, { hasDefectVideo: false, supplierName: sup.name })
				}));
				const rows = await tx.insert(lots).values(batch).returning({ id: lots.id });
				ids.push(...rows.map((r) => r.id));
				progress({ phase: 'write', done: Math.min(k + BATCH, p.creates.length), total });
			}
			const stockChanged: string[] = [];
			for (const u of p.updates)
				if (await writeLotDraft(tx, u.lot, u.draft, base, sup.name)) stockChanged.push(u.lot.id);
			progress({ phase: 'write', done: total, total });
			return {
				r: result(p, { created: ids.length, updated: p.updates.length, ids }),
				stockChanged
			};
		})
		.catch((e: unknown) => {
			throw skuTaken(e) ?? e;
		});
	if (outcome.stockChanged.length) await publishStock(outcome.stockChanged);
	progress({ phase: 'done', done: total, total });
	return outcome.r;
}
