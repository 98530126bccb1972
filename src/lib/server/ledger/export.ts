import ExcelJS from 'exceljs';
import { fenToYuanString } from '$lib/domain/money';
import { chinaDay, CHINA_OFFSET_MS } from '$lib/domain/ledger';
import { translate, type Locale, type MessageKey } from '$lib/i18n';
import type { Statement } from './statements';
import type { BuyerStatement } from './buyer-statement';

/** Date and time in China, `YYYY-MM-DD HH:mm`. */
const chinaTime = (iso: string) =>
	new Date(Date.parse(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');

function header(locale: Locale): string[] {
	const t = (k: MessageKey) => translate(locale, k);
	return [
		t('ledger.col.date'),
		t('ledger.col.kind'),
		t('ledger.col.order'),
		t('ledger.col.show'),
		t('ledger.col.lot'),
		t('ledger.col.ref'),
		t('ledger.col.memo'),
		t('ledger.col.amount'),
		t('ledger.col.balance')
	];
}

function rows(s: Statement, locale: Locale): (string | number)[][] {
	const t = (k: MessageKey) => translate(locale, k);
	const firstDay = chinaDay(new Date(s.period.from));
	const lastDay = chinaDay(new Date(Date.parse(s.period.to) - 1));
	return [
		[firstDay, t('ledger.opening'), '', '', '', '', '', '', fenToYuanString(s.openingFen)],
		...s.lines.map((l) => [
			chinaTime(l.at),
			t(`ledger.kind.${l.kind}`),
			l.orderId ?? '',
			l.showId ?? '',
			l.lotId ?? '',
			l.refId ?? '',
			l.memo,
			fenToYuanString(l.owedFen),
			fenToYuanString(l.balanceFen)
		]),
		[lastDay, t('ledger.closing'), '', '', '', '', '', '', fenToYuanString(s.closingFen)]
	];
}

/**
 * A spreadsheet cell: quoted when needed; a leading = + - @ on text (a memo, a reference) gets
 * an apostrophe so Excel or WPS never runs it as a formula. Amounts are written as numbers.
 */
function cell(v: string | number, isAmount: boolean): string {
	let s = String(v);
	if (!isAmount && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The statement as CSV: UTF-8 BOM (Excel opens Chinese correctly), CRLF, amounts in yuan. */
export function statementCsv(s: Statement, locale: Locale): string {
	const lines = [
		header(locale)
			.map((h) => cell(h, false))
			.join(',')
	];
	for (const r of rows(s, locale)) lines.push(r.map((v, i) => cell(v, i >= 7)).join(','));
	return '\ufeff' + lines.join('\r\n') + '\r\n';
}

/** The statement as an XLSX workbook: one sheet, amounts as numbers with two decimals. */
export async function statementXlsx(s: Statement, locale: Locale): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	wb.creator = 'LotLive';
	const ws = wb.addWorksheet(translate(locale, 'ledger.statement'));
	ws.addRow([`${s.org.name} · ${s.period.label}`]).font = { bold: true };
	const head = ws.addRow(header(locale));
	head.font = { bold: true };
	for (const r of rows(s, locale)) {
		ws.addRow(r.map((v, i) => (i >= 7 && v !== '' ? Number(v) : v)));
	}
	ws.columns.forEach((c, i) => {
		c.width = [18, 10, 38, 38, 38, 20, 20, 12, 12][i] ?? 12;
		if (i >= 7) c.numFmt = '0.00';
	});
	ws.views = [{ state: 'frozen', ySplit: 2 }];
	return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * A buyer's statement as CSV (same conventions as `statementCsv`): date, kind, order memo,
 * reference, amount, movement of what is owed on terms, balance owed; opening and closing rows.
 */
export function buyerStatementCsv(s: BuyerStatement, locale: Locale): string {
	const t = (k: MessageKey) => translate(locale, k);
	const head = [
		t('ledger.col.date'),
		t('ledger.col.kind'),
		t('ledger.col.order'),
		t('ledger.col.ref'),
		t('ledger.col.amount'),
		t('ledger.col.owed_change'),
		t('ledger.col.owed_balance')
	];
	const firstDay = chinaDay(new Date(s.period.from));
	const lastDay = chinaDay(new Date(Date.parse(s.period.to) - 1));
	const body: (string | number)[][] = [
		[firstDay, t('ledger.opening'), '', '', '', '', fenToYuanString(s.openingFen)],
		...s.lines.map((l) => [
			chinaTime(l.at),
			t(`ledger.kind.${l.kind}`),
			l.memo,
			l.refId ?? '',
			fenToYuanString(l.amountFen),
			fenToYuanString(l.owedFen),
			fenToYuanString(l.balanceFen)
		]),
		[lastDay, t('ledger.closing'), '', '', '', '', fenToYuanString(s.closingFen)]
	];
	const lines = [head.map((h) => cell(h, false)).join(',')];
	for (const r of body) lines.push(r.map((v, i) => cell(v, i >= 4)).join(','));
	return '\ufeff' + lines.join('\r\n') + '\r\n';
}
