// Checking an import's rows: every problem of a row that creates or updates a lot, and what the
// preview shows and compares for each.
import type { Lot } from '../db/schema';
import { AppError } from '../errors';
import { zodIssueParams } from '../zod-messages';
import {
	checkDraft,
	draftFromCreate,
	draftFromPatch,
	stockIssue,
	type LotContext,
	type LotDraft
} from './lot-rules';
import { LotCreateInput, LotPatchInput } from './schemas';
import { COLUMN_OF_FIELD, type Col, type RowContext } from './import-sheet';

/** Columns a row that matches an existing lot by its supplier code (货号) may change. */
const UPDATE_COLUMNS = ['onHand', 'unitPrice', 'discount', 'status', 'description'] as const;
/** The lot fields an update row may change, as the preview compares them. */
export const UPDATE_FIELDS = ['onHand', 'unitPriceFen', 'status', 'description'] as const;
type UpdateField = (typeof UPDATE_FIELDS)[number];

/** Which import columns a catalog rule's problem depends on (a rule is checked only if all parsed). */
const RULE_DEPENDS: Record<string, readonly string[]> = {
	unitPriceFen: ['grade', 'tagPriceFen', 'unitPriceFen', 'discountBp'],
	defectDescription: ['grade', 'defectDescription'],
	attributes: ['categoryPath', 'attributes'],
	categoryId: ['categoryPath'],
	categoryPath: ['categoryPath'],
	commissionBp: ['commissionBp'],
	brandId: ['brandId']
};

/** What importing a row does (or would do): the preview lists one per data row. */
export type ImportRow =
	| { row: number; kind: 'added'; sku: string | null; title: string }
	| {
			row: number;
			kind: 'changed';
			sku: string;
			title: string;
			lotId: string;
			changes: { field: UpdateField; before: string | number; after: string | number }[];
	  }
	| { row: number; kind: 'unchanged'; sku: string; title: string; lotId: string }
	| { row: number; kind: 'refused'; sku: string | null; title: string };

/** Placeholder values for fields that failed, so the rules on the other fields can still run. */
function placeholders(ctx: LotContext): Record<string, unknown> {
	const leaf = [...ctx.categoriesByPath.values()].find((c) => c.isLeaf);
	return {
		title: 'x',
		source: 'factory_overrun',
		grade: 'A',
		tagPriceFen: 10000,
		unitPriceFen: 1800,
		moq: 1,
		onHand: 0,
		categoryPath: leaf?.path
	};
}

export type RowProblem = {
	col: Col;
	code: string;
	message: string;
	params?: Record<string, string | number>;
};

/** Every problem of a row that would create a lot: cells, field types and catalog rules at once. */
export function checkCreateRow(
	input: Record<string, unknown>,
	cellErrors: RowProblem[],
	missingCols: Set<Col>,
	ctx: RowContext,
	sup: { province: string; city: string },
	operator: boolean
): { draft: LotDraft | null; problems: RowProblem[] } {
	const problems: RowProblem[] = [...cellErrors];
	const badCols = new Set<Col>([...cellErrors.map((e) => e.col), ...missingCols]);
	const failed = new Set<string>();
	for (const [field, col] of Object.entries(COLUMN_OF_FIELD))
		if (badCols.has(col)) failed.add(field);
	const r = LotCreateInput.safeParse(input);
	if (r.success && badCols.size === 0) {
		const { draft, issues } = draftFromCreate(r.data, ctx, sup, operator);
		for (const i of issues)
			problems.push({
				col: COLUMN_OF_FIELD[i.field.split('.')[0]!] ?? 'title',
				code: i.code,
				message: i.message,
				params: i.params
			});
		return { draft: issues.length ? null : draft, problems };
	}
	for (const issue of r.success ? [] : r.error.issues) {
		const field = String(issue.path[0] ?? 'title');
		failed.add(field);
		const col = COLUMN_OF_FIELD[field] ?? 'title';
		if (badCols.has(col)) continue;
		problems.push({
			col,
			code: 'invalid_input',
			message: issue.message,
			params: zodIssueParams(issue)
		});
	}
	// The rules on the fields that did parse still run, on placeholders for the rest.
	const fill = placeholders(ctx);
	const patched: Record<string, unknown> = { ...input };
	for (const f of failed) {
		if (f in fill) patched[f] = fill[f];
		else delete patched[f];
	}
	if (failed.has('unitPriceFen') || failed.has('discountBp')) {
		delete patched.discountBp;
		patched.unitPriceFen = fill.unitPriceFen;
	}
	const again = LotCreateInput.safeParse(patched);
	if (again.success) {
		const { issues } = draftFromCreate(again.data, ctx, sup, operator);
		for (const i of issues) {
			const top = i.field.split('.')[0]!;
			const deps = RULE_DEPENDS[top] ?? [top];
			if (deps.some((d) => failed.has(d))) continue;
			if (problems.some((p) => p.col === COLUMN_OF_FIELD[top])) continue;
			problems.push({
				col: COLUMN_OF_FIELD[top] ?? 'title',
				code: i.code,
				message: i.message,
				params: i.params
			});
		}
	}
	return { draft: null, problems };
}

/** A row that updates an existing lot: its patch, the lot after it, and every problem. */
export function checkUpdateRow(
	lot: Lot,
	input: Record<string, unknown>,
	cellErrors: RowProblem[],
	ctx: RowContext,
	operator: boolean
): { draft: LotDraft | null; problems: RowProblem[] } {
	const problems = cellErrors.filter(
		(e) => (UPDATE_COLUMNS as readonly string[]).includes(e.col) && e.message !== 'lot.err.required'
	);
	const patch: Record<string, unknown> = {};
	for (const k of ['onHand', 'unitPriceFen', 'discountBp', 'status', 'description'])
		if (input[k] !== undefined) patch[k] = input[k];
	const r = LotPatchInput.safeParse(patch);
	if (!r.success) {
		for (const issue of r.error.issues) {
			const col = COLUMN_OF_FIELD[String(issue.path[0])] ?? 'title';
			if (problems.some((p) => p.col === col)) continue;
			problems.push({
				col,
				code: 'invalid_input',
				message: issue.message,
				params: zodIssueParams(issue)
			});
		}
		return { draft: null, problems };
	}
	if (problems.length) return { draft: null, problems };
	let draft: LotDraft;
	try {
		draft = draftFromPatch(lot, r.data, ctx, operator);
	} catch (e) {
		if (!(e instanceof AppError)) throw e;
		problems.push({
			col: COLUMN_OF_FIELD[e.field ?? ''] ?? 'status',
			code: e.code,
			message: e.message,
			params: e.params
		});
		return { draft: null, problems };
	}
	const issues = checkDraft(draft, ctx);
	const stock = stockIssue(lot, draft.onHand);
	if (stock) issues.push(stock);
	for (const i of issues)
		problems.push({
			col: COLUMN_OF_FIELD[i.field.split('.')[0]!] ?? 'title',
			code: i.code,
			message: i.message,
			params: i.params
		});
	return { draft: problems.length ? null : draft, problems };
}

/** The lot's values a preview shows and a stale check compares. */
export function lotFingerprint(l: Lot) {
	return [
		l.id,
		l.onHand,
		l.locked,
		l.allocated,
		Number(l.stockVersion),
		l.unitPriceFen,
		l.tagPriceFen,
		l.grade,
		l.status,
		l.description,
		l.priceOverride,
		l.updatedAt.toISOString()
	];
}
