// Credit terms (账期, issue 21) in Chromium, on a server this spec starts itself (its clock moved
// by tests/e2e/clock-shift.mjs, as in trade-flow.spec.ts): the demo B2B buyer applies, the
// operator approves ¥200,000 at 45 days, the buyer checks out 600 pieces on terms, the supplier
// ships, the buyer accepts, the supplier is paid (the order is released; the invoice is due 45
// days later). Reminders: 20 days on, the buyer comes back (its session is renewed on use); at
// 43 days, on a page it already has open, the buyer sees the due-soon reminder arrive live in the
// app shell, and it is still there after a reload. 49 days pass: the open page hears the overdue
// reminder; the operator's 30-day session has lapsed, so both sign in again, and the buyer sees
// the overdue reminder on its first page. A new terms checkout is refused with a clear message,
// the operator records the repayment, the reminder is gone, the buyer's statement shows the
// invoice and the repayment with its bank reference (also as CSV, also to the operator), and the
// terms checkout works again.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { usccCheckChar } from '../../src/lib/domain/trade/credit';
import { startClockedServer } from './own-server';
import { submitSignIn } from './sign-in';

const PORT = Number(
	process.env.E2E_TRADE_CREDIT_PORT ?? Number(process.env.E2E_PORT ?? 4173) + 1100
);
const DAY = 86_400_000;

let srv: Awaited<ReturnType<typeof startClockedServer>>;
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
	test.setTimeout(180_000);
	srv = await startClockedServer(PORT, 'e2e_trade_credit');
});
test.afterAll(async () => {
	await srv?.stop();
});

async function signedIn(
	browser: Browser,
	email: string,
	home: RegExp
): Promise<{ page: Page; close: () => Promise<void> }> {
	const context = await browser.newContext({ baseURL: srv.url });
	await context.addCookies([{ name: 'lotlive_locale', value: 'zh-CN', url: srv.url }]);
	const page = await context.newPage();
	await submitSignIn(page, email);
	await expect(page).toHaveURL(home);
	return { page, close: () => context.close() };
}

interface LotRow {
	id: string;
	supplierName: string;
	status: string;
	visible: boolean;
	moq: number;
	available: number;
}

/** A lot of the signed-in supplier a buyer can order 600 pieces of twice. */
async function lotFor600(supplier: Page): Promise<LotRow> {
	let cursor: string | null = null;
	for (let i = 0; i < 20; i++) {
		const res = await supplier.request.get(
			`/api/v1/lots?mine=1&sort=newest${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
		);
		expect(res.ok()).toBe(true);
		const body = (await res.json()) as { items: LotRow[]; nextCursor: string | null };
		for (const l of body.items) {
			if (l.status !== 'active' || !l.visible || l.moq > 600 || l.available < 1200) continue;
			await supplier.goto(`/supplier/lots/${l.id}`);
			const step = Number(await supplier.locator('input[name="step"]').inputValue());
			if (step >= 1 && 600 % step === 0) return l;
		}
		cursor = body.nextCursor;
		if (!cursor) break;
	}
	throw new Error('the demo supplier has no lot a buyer can order 600 of twice');
}

/** A valid 18-character 统一社会信用代码 (random body, computed check character). */
function uscc(): string {
	const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
	let body = '91';
	while (body.length < 17) body += chars[Math.floor(Math.random() * 31)];
	return body + usccCheckChar(body)!;
}

/** Puts 600 pieces of the lot in the cart. */
async function add600(buyer: Page, lotId: string) {
	await buyer.goto(`/catalog/lots/${lotId}`);
	const add = buyer.getByTestId('add-to-cart');
	await add.getByTestId('add-quantity').fill('600');
	await add.getByTestId('add-submit').click();
	await expect(add.getByTestId('add-done')).toBeVisible();
}

/** Fills the checkout form with terms chosen and places the order. */
async function termsCheckout(buyer: Page) {
	await buyer.goto('/buyer/checkout?dest=浙江省');
	await buyer.getByLabel('姓名', { exact: true }).fill('刘经理');
	await buyer.getByLabel('电话', { exact: true }).fill('13900139000');
	await buyer.getByLabel('省', { exact: true }).selectOption('浙江省');
	await buyer.getByLabel('市', { exact: true }).fill('义乌市');
	await buyer.getByLabel('区/县', { exact: true }).fill('稠城街道');
	await buyer.getByLabel('详细地址', { exact: true }).fill('国际商贸城 1 区');
	await buyer.getByTestId('pay-on-terms').check();
	await buyer.getByTestId('place-order').click();
}

/** The supplier accepts the order in the trade queue and ships it in one parcel. */
async function acceptAndShip(supplier: Page, number: string) {
	await supplier.goto('/supplier/trade');
	await expect(supplier.getByTestId('connection')).toHaveText('实时已连接');
	const row = supplier.locator(`[data-testid="trade-order"][data-number="${number}"]`);
	await expect(row.getByTestId('state')).toHaveText('已付款待接单');
	await row.getByTestId('accept').click();
	await expect(row).toBeHidden();
	await supplier.getByTestId('tab-to_ship').click();
	const toShip = supplier.locator(`[data-testid="trade-order"][data-number="${number}"]`);
	await toShip.getByTestId('ship').click();
	await expect(supplier).toHaveURL(/\/supplier\/trade\/[0-9a-f-]{36}/);
	const parcel = supplier.getByTestId('parcel').first();
	await parcel.getByLabel('物流公司').selectOption('SF');
	await parcel.getByLabel('运单号').fill(`SF${Date.now()}`);
	await supplier.getByTestId('ship-submit').click();
	await expect(supplier.getByTestId('state')).toHaveText('已发货');
}

test('the B2B buyer buys 600 pieces on 45-day terms, goes overdue, is refused, repays, and buys on terms again', async ({
	browser
}) => {
	test.setTimeout(480_000);
	const supplier = await signedIn(browser, 'supplier2@demo.lotlive.cn', /\/supplier$/);
	const lot = await lotFor600(supplier.page);
	const buyer = await signedIn(browser, 'buyer2@demo.lotlive.cn', /\/catalog$/);
	let b = buyer.page;
	const ops = await signedIn(browser, 'ops@demo.lotlive.cn', /\/(admin|live|boards)?/);
	let o = ops.page;

	// The buyer applies from its credit page, found in the buyer area's navigation.
	await b.getByTestId('nav-buyer-credit').click();
	await expect(b).toHaveURL(/\/buyer\/credit$/);
	const apply = b.getByTestId('apply-form');
	await apply.getByLabel('公司名称').fill('义乌市环球外贸有限公司');
	await apply.getByLabel('统一社会信用代码').fill(uscc());
	await apply.getByLabel('贸易参考方').fill('金华永丰纺织有限公司');
	await apply.getByLabel('参考方联系方式').fill('0579-85551234');
	await apply.getByRole('button', { name: '申请账期' }).click();
	await expect(b.getByTestId('status')).toHaveText('审核中');

	// The operator approves ¥200,000 at 45 days (the admin area's navigation leads there).
	await o.goto('/admin');
	await o.getByTestId('nav-credit').click();
	await expect(o).toHaveURL(/\/admin\/credit$/);
	const account = o.getByTestId('account').filter({ hasText: '义乌市环球外贸有限公司' });
	await expect(account.getByTestId('status')).toHaveText('审核中');
	const approve = account.getByTestId('approve-form');
	await approve.getByLabel('额度（元）').fill('200000');
	await approve.getByLabel('账期').selectOption('45');
	await approve.getByRole('button', { name: '批准 / 调整' }).click();
	await expect(account.getByTestId('status')).toHaveText('已开通');
	// The account's history: the application, then the approval with its limit and term.
	const detail = o.getByTestId('account-detail');
	await detail.locator('summary').click();
	await expect(detail.getByTestId('change')).toHaveCount(2);
	await expect(detail.getByTestId('change').nth(1)).toContainText('已开通');
	await expect(detail.getByTestId('change').nth(1)).toContainText('¥200000.00');
	await expect(detail.getByTestId('change').nth(1)).toContainText('45 天');

	await b.goto('/buyer/credit');
	await expect(b.getByTestId('status')).toHaveText('已开通');
	await expect(b.getByTestId('limit')).toHaveText('¥200000.00');
	await expect(b.getByTestId('term')).toHaveText('45 天');
	await expect(b.getByTestId('available')).toHaveText('¥200000.00');

	// 600 pieces on terms: the order is placed paid (no payment step), waiting for the supplier.
	await add600(b, lot.id);
	await termsCheckout(b);
	await expect(b).toHaveURL(/\/buyer\/orders\?checkout=/);
	const fresh = b.locator('[data-testid="order-row"].fresh');
	await expect(fresh).toHaveCount(1);
	const orderId = (await fresh.first().getAttribute('data-id'))!;
	const number = (await fresh.first().getAttribute('data-number'))!;
	await b.goto(`/buyer/orders/${orderId}`);
	await expect(b.getByTestId('order')).toHaveAttribute('data-state', 'paid');

	await b.goto('/buyer/credit');
	const usedText = (await b.getByTestId('used').textContent())!.trim();
	expect(usedText).not.toBe('¥0.00');

	// The supplier accepts and ships; the buyer receives and accepts: the order is released (the
	// supplier is paid) and the invoice for it opens, due in 45 days.
	await acceptAndShip(supplier.page, number);
	await b.goto(`/buyer/orders/${orderId}`);
	await expect(b.getByTestId('order')).toHaveAttribute('data-state', 'shipped');
	await b.getByTestId('arrive').click();
	await expect(b.getByTestId('order')).toHaveAttribute('data-state', 'arrived');
	await b.getByTestId('accept').click();
	await expect(b.getByTestId('order')).toHaveAttribute('data-state', 'released');

	await supplier.page.goto(`/supplier/trade/${orderId}`);
	await expect(supplier.page.getByTestId('state')).toHaveAttribute('data-state', 'released');

	await b.goto('/buyer/credit');
	const invoice = b.getByTestId('invoice');
	await expect(invoice).toHaveCount(1);
	await expect(invoice.locator('td').nth(1)).toHaveText(usedText);
	await expect(invoice.locator('td').nth(2)).toHaveText(usedText);
	const due = new Date(Date.now() + 45 * DAY).toLocaleDateString('zh-CN', {
		timeZone: 'Asia/Shanghai'
	});
	await expect(invoice.locator('td').nth(3)).toHaveText(due);
	await expect(invoice.getByTestId('invoice-state')).toHaveText('未结清');
	await expect(b.getByTestId('blocked')).toHaveCount(0);
	const invoiceNo = (await invoice.locator('td').first().textContent())!.trim();
	// Nothing to remind of yet: the shell's banner is empty.
	await expect(b.getByTestId('credit-reminder')).toHaveCount(0);

	// 20 days on, the buyer comes back: its 30-day session had 10 days left and is renewed on use
	// (product behaviour: less than 15 days left), so it outlives the next jump.
	srv.shift(20 * DAY);
	await new Promise((r) => setTimeout(r, 500));
	await b.goto('/buyer/orders');
	await expect(b).toHaveURL(/\/buyer\/orders$/);
	await expect(b.getByTestId('connection')).toHaveText('实时已连接');
	await expect(b.getByTestId('credit-reminder')).toHaveCount(0);

	// 43 days: the invoice is due in 2 days. The buyer stays on the page; the reminder job (every
	// minute) sends the due-soon reminder and the shell's banner shows it as it arrives.
	srv.shift(43 * DAY);
	const soon = b.getByTestId('credit-reminder');
	await expect(soon).toBeVisible({ timeout: 90_000 });
	await expect(soon).toHaveAttribute('data-kind', 'before');
	await expect(soon).toContainText(invoiceNo);
	await expect(soon).toContainText(due);
	// Recorded on the invoice, it is there on the next load too, on any buyer page.
	await b.goto('/buyer/credit');
	await expect(b.getByTestId('credit-reminder')).toHaveAttribute('data-kind', 'before');

	// 49 days pass (45 + 3 days' grace + 1): the invoice is overdue and blocks new terms orders.
	// The open page hears the overdue reminder.
	srv.shift(49 * DAY);
	await expect(b.getByTestId('credit-reminder')).toHaveAttribute('data-kind', 'overdue', {
		timeout: 90_000
	});
	await expect(b.getByTestId('credit-reminder')).toHaveCount(1);
	// The operator's session (30 days, last used on day 0) has lapsed: it is refused and signs in
	// again. The buyer signs in afresh as well and sees the overdue reminder on its first page.
	await o.goto('/admin/credit');
	await expect(o).toHaveURL(/\/sign-in/);
	const buyerAgain = await signedIn(browser, 'buyer2@demo.lotlive.cn', /\/catalog$/);
	const opsAgain = await signedIn(browser, 'ops@demo.lotlive.cn', /\/(admin|live|boards)?/);
	b = buyerAgain.page;
	o = opsAgain.page;
	await expect(b.getByTestId('credit-reminder')).toHaveAttribute('data-kind', 'overdue');
	await expect(b.getByTestId('credit-reminder')).toContainText(invoiceNo);
	await expect(async () => {
		await b.goto('/buyer/credit');
		await expect(b.getByTestId('blocked')).toBeVisible({ timeout: 1000 });
	}).toPass({ timeout: 15_000 });
	await expect(b.getByTestId('blocked')).toContainText(due);
	await expect(b.getByTestId('invoice-state')).toHaveText('已逾期');

	await add600(b, lot.id);
	await termsCheckout(b);
	await expect(b).toHaveURL(/\/buyer\/checkout/);
	await expect(b.getByTestId('terms-error')).toContainText('逾期');
	// The service's message names the due date as YYYY-MM-DD.
	const dueIso = new Date(Date.now() + 45 * DAY).toLocaleDateString('sv-SE', {
		timeZone: 'Asia/Shanghai'
	});
	await expect(b.getByTestId('terms-error')).toContainText(dueIso);
	await expect(b.getByTestId('terms-blocked')).toContainText(due);

	// The operator records the bank transfer for the whole amount.
	await o.goto('/admin/credit');
	const account2 = o.getByTestId('account').filter({ hasText: '义乌市环球外贸有限公司' });
	const repay = account2.getByTestId('repay-form');
	const bankRef = `BOC${Date.now()}`;
	await repay.getByLabel('还款金额（元）').fill(usedText.replace(/[¥,]/g, ''));
	await repay.getByLabel('银行流水号').fill(bankRef);
	await repay.getByRole('button', { name: '登记还款' }).click();
	await expect(account2.getByTestId('repay-form')).toHaveCount(0);

	await b.goto('/buyer/credit');
	await expect(b.getByTestId('blocked')).toHaveCount(0);
	await expect(b.getByTestId('used')).toHaveText('¥0.00');
	await expect(b.getByTestId('invoice').locator('td').nth(2)).toHaveText('¥0.00');
	await expect(b.getByTestId('invoice-paid')).toHaveText(usedText);
	await expect(b.getByTestId('invoice-state')).toHaveText('已结清');
	// Paid: no reminder any more.
	await expect(b.getByTestId('credit-reminder')).toHaveCount(0);

	// The buyer's statement for this month (from the ledger): the repayment with its bank
	// reference, nothing owed at the close; the invoice is this month's or the opening balance.
	const digits = (x: string | null) => (x ?? '').replace(/[^\d.]/g, '');
	await b.getByTestId('statement-link').click();
	await expect(b).toHaveURL(/\/buyer\/statements$/);
	const st = b.getByTestId('buyer-statement');
	const repaid = st.locator('[data-testid="st-line"][data-kind="repayment"]');
	await expect(repaid).toHaveCount(1);
	await expect(repaid.getByTestId('st-ref')).toHaveText(bankRef);
	expect(digits(await st.getByTestId('st-total-repayment').textContent())).toBe(digits(usedText));
	expect(digits(await st.getByTestId('st-closing').textContent())).toBe('0.00');
	const invoiced = st.locator('[data-testid="st-line"][data-kind="invoice"]');
	if ((await invoiced.count()) === 0) {
		expect(digits(await st.getByTestId('st-opening').textContent())).toBe(digits(usedText));
	} else {
		await expect(invoiced.getByTestId('st-ref')).toHaveText(invoiceNo);
	}
	const csv = await b.request.get((await st.getByTestId('statement-csv').getAttribute('href'))!);
	expect(csv.ok()).toBe(true);
	expect(await csv.text()).toContain(bankRef);
	// The operator reads the same statement from the credit page.
	await o.goto('/admin/credit');
	await o
		.getByTestId('account')
		.filter({ hasText: '义乌市环球外贸有限公司' })
		.getByTestId('statement-link')
		.click();
	await expect(o).toHaveURL(/\/admin\/credit\/[0-9a-f-]{36}\/statement$/);
	await expect(
		o.locator('[data-testid="st-line"][data-kind="repayment"]').getByTestId('st-ref')
	).toHaveText(bankRef);

	// The terms checkout works again: the refused checkout left the 600 pieces in the cart.
	await termsCheckout(b);
	await expect(b).toHaveURL(/\/buyer\/orders\?checkout=/);
	await expect(b.locator('[data-testid="order-row"].fresh')).toHaveCount(1);

	for (const c of [supplier, buyer, ops, buyerAgain, opsAgain]) await c.close();
});
