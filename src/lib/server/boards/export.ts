import { yuanOrBlank } from '$lib/domain/money';
import { translate, type Locale } from '$lib/i18n';
import type { Principal } from '../auth/principal';
import { lotSummaries, type LotSummary } from './lots';
import { boardContent } from './service';

export interface RunOfShowRow {
	position: number;
	slotId: string;
	plannedAt: string;
	lotId: string;
	title: string;
	grade: string;
	supplierName: string;
	defectDescription: string;
	livePriceFen: number | null;
	tagPriceFen: number | null;
	lockQty: number;
	available: number | null;
	crossSell: { role: 'traffic' | 'profit'; pairPosition: number } | null;
	script: string;
	notes: string;
	checklist: { text: string; done: boolean }[];
}

/** The run of show as rows (CSV export, printable page): the board's slots joined with the catalog. */
export async function runOfShow(actor: Principal, boardId: string) {
	const { board, meta, slots } = await boardContent(actor, boardId);
	const lots = new Map<string, LotSummary>(
		(await lotSummaries(slots.map((s) => s.lotId))).map((l) => [l.id, l])
	);
	const positionOf = new Map(slots.map((s) => [s.id, s.position]));
	const rows: RunOfShowRow[] = slots.map((s) => {
		const lot = lots.get(s.lotId);
		const pair = s.crossSell ? positionOf.get(s.crossSell.pairSlotId) : undefined;
		return {
			position: s.position,
			slotId: s.id,
			plannedAt: s.plannedAt,
			lotId: s.lotId,
			title: lot?.title ?? '',
			grade: lot?.grade ?? '',
			supplierName: lot?.supplierName ?? '',
			defectDescription: lot?.defectDescription ?? '',
			livePriceFen: s.livePriceFen,
			tagPriceFen: lot?.tagPriceFen ?? null,
			lockQty: s.lockQty,
			available: lot ? lot.stock.available : null,
			crossSell: s.crossSell && pair ? { role: s.crossSell.role, pairPosition: pair } : null,
			script: s.script,
			notes: s.notes,
			checklist: s.checklist.map((c) => ({ text: c.text, done: c.done }))
		};
	});
	return { board, meta, rows };
}

/**
 * A spreadsheet cell: quoted when needed, and a leading = + - @ (or tab/CR) is prefixed with
 * an apostrophe so Excel or WPS never runs text typed on a board as a formula.
 */
function cell(v: string | number): string {
	let s = String(v);
	if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a UTF-8 BOM (so Excel opens Chinese correctly) and CRLF line ends. */
export function runOfShowCsv(rows: RunOfShowRow[], locale: Locale): string {
	const t = (k: Parameters<typeof translate>[1]) => translate(locale, k);
	const header = [
		t('boards.export.position'),
		t('boards.export.planned_at'),
		t('boards.export.lot'),
		t('boards.export.lot_id'),
		t('boards.export.grade'),
		t('boards.export.live_price'),
		t('boards.export.tag_price'),
		t('boards.export.lock_qty'),
		t('boards.export.available'),
		t('boards.export.cross_sell'),
		t('boards.export.script'),
		t('boards.export.notes'),
		t('boards.export.checklist')
	];
	const lines = [header.map(cell).join(',')];
	for (const r of rows) {
		lines.push(
			[
				r.position,
				r.plannedAt,
				r.title,
				r.lotId,
				r.grade,
				yuanOrBlank(r.livePriceFen),
				yuanOrBlank(r.tagPriceFen),
				r.lockQty,
				r.available ?? '',
				r.crossSell
					? `${t(`boards.slot.role.${r.crossSell.role}`)} ↔ #${r.crossSell.pairPosition}`
					: '',
				r.script,
				r.notes,
				r.checklist.map((c) => `${c.done ? '☑' : '☐'} ${c.text}`).join('\n')
			]
				.map(cell)
				.join(',')
		);
	}
	return '\ufeff' + lines.join('\r\n') + '\r\n';
}
