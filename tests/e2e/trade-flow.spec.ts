// The whole wholesale path of issue 18 in Chromium, on a server this spec starts itself: a buyer
// fills a cart from two suppliers and checks out into escrow, both suppliers accept and ship from
// their trade queue, the buyer inspects one delivery on a phone with a photo and accepts it, and
// lets the other one run out its 48-hour inspection window: the server's timer job accepts and
// releases it. Both suppliers' receivables then show their order paid out.
//
// 48 hours cannot pass in a test, and the app has no test hooks: the server process this spec
// starts loads tests/e2e/clock-shift.mjs (`node --import`, test harness only), which moves that
// process's wall clock forward by what the spec writes into a file. The timer job, which takes
// its `now` from the clock like every service, then sees the window over.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { startClockedServer } from './own-server';
import { submitSignIn } from './sign-in';

const PORT = Number(process.env.E2E_TRADE_FLOW_PORT ?? Number(process.env.E2E_PORT ?? 4173) + 1000);
const HOUR = 3_600_000;

let srv: Awaited<ReturnType<typeof startClockedServer>>;
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
	test.setTimeout(180_000);
	srv = await startClockedServer(PORT, 'e2e_trade_flow');
});
test.afterAll(async () => {
	await srv?.stop();
});

async function signedIn(
	browser: Browser,
	email: string,
	home: RegExp,
	phone = false
): Promise<{ page: Page; close: () => Promise<void> }> {
	const context = await browser.newContext({
		baseURL: srv.url,
		...(phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : {})
	});
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

/** A lot of the signed-in supplier that a buyer can order a few MOQs of. */
async function buyableLot(supplier: Page): Promise<LotRow> {
	let cursor: string | null = null;
	for (let i = 0; i < 20; i++) {
		const res = await supplier.request.get(
			`/api/v1/lots?mine=1&sort=newest${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
		);
		expect(res.ok()).toBe(true);
		const body = (await res.json()) as { items: LotRow[]; nextCursor: string | null };
		const lot = body.items.find(
			(l) =>
				l.status === 'active' &&
				l.visible &&
				l.moq >= 50 &&
				l.moq <= 300 &&
				l.available >= l.moq * 3
		);
		if (lot) return lot;
		cursor = body.nextCursor;
		if (!cursor) break;
	}
	throw new Error('the demo supplier has no lot a buyer can order');
}

/** The supplier accepts the order in the trade queue and ships it in one parcel. */
async function acceptAndShip(supplier: Page, number: string, carrier: string, trackingNo: string) {
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
	await parcel.getByLabel('物流公司').selectOption(carrier);
	await parcel.getByLabel('运单号').fill(trackingNo);
	await supplier.getByTestId('ship-submit').click();
	await expect(supplier.getByTestId('state')).toHaveText('已发货');
}

// A 1×1 PNG, as a phone camera's photo would arrive (the service sniffs the type).
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
	'base64'
);

test('two suppliers ship one checkout; the buyer inspects and accepts one order on a phone, the other auto-releases after 48 h; both suppliers are paid', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const s1 = await signedIn(browser, 'supplier1@demo.lotlive.cn', /\/supplier$/);
	const s2 = await signedIn(browser, 'supplier2@demo.lotlive.cn', /\/supplier$/);
	const lotA = await buyableLot(s1.page);
	const lotB = await buyableLot(s2.page);

	// The buyer works on a phone throughout.
	const buyer = await signedIn(browser, 'buyer1@demo.lotlive.cn', /\/catalog$/, true);
	const phone = buyer.page;
	for (const lot of [lotA, lotB]) {
		await phone.goto(`/catalog/lots/${lot.id}`);
		const box = phone.getByTestId('add-to-cart');
		await box.getByTestId('add-submit').click();
		await expect(box.getByTestId('add-done')).toBeVisible();
	}
	await phone.goto('/buyer/cart?dest=山东省');
	await expect(phone.getByTestId('cart-group')).toHaveCount(2);
	await phone.getByTestId('go-checkout').click();
	await phone.getByLabel('姓名', { exact: true }).fill('陈老板');
	await phone.getByLabel('电话', { exact: true }).fill('13800138000');
	await phone.getByLabel('省', { exact: true }).selectOption('山东省');
	await phone.getByLabel('市', { exact: true }).fill('济南市');
	await phone.getByLabel('详细地址', { exact: true }).fill('泉城路 1 号');
	await phone.getByTestId('provider-test').check();
	await phone.getByTestId('place-order').click();
	await expect(phone).toHaveURL(/\/buyer\/orders\?checkout=/);
	const fresh = phone.locator('[data-testid="order-row"].fresh');
	await expect(fresh).toHaveCount(2);
	const orderOf = async (lot: LotRow) => {
		const row = fresh.filter({ hasText: lot.supplierName });
		return {
			id: (await row.getAttribute('data-id'))!,
			number: (await row.getAttribute('data-number'))!
		};
	};
	const a = await orderOf(lotA);
	const b = await orderOf(lotB);

	// Both paid into escrow with the test provider.
	for (const o of [a, b]) {
		await phone.goto(`/buyer/orders/${o.id}`);
		await phone.getByTestId('pay-test').click();
		await expect(phone.getByTestId('order')).toHaveAttribute('data-state', 'paid');
	}

	// Each supplier accepts and ships from the trade queue.
	await acceptAndShip(s1.page, a.number, 'SF', `SF${Date.now()}01`);
	await acceptAndShip(s2.page, b.number, 'ZTO', `ZT${Date.now()}02`);

	// Order A: arrival, the sampling inspection with a photo, acceptance → released.
	await phone.goto(`/buyer/orders/${a.id}`);
	await expect(phone.getByTestId('order')).toHaveAttribute('data-state', 'shipped');
	await phone.getByTestId('arrive').click();
	await expect(phone.getByTestId('order')).toHaveAttribute('data-state', 'arrived');
	await phone.getByTestId('inspect').click();
	const pieces = phone.getByTestId('inspect-piece');
	await expect(pieces.first()).toBeVisible();
	const first = pieces.first();
	await first.getByTestId('piece-photo-input').setInputFiles({
		name: 'piece.png',
		mimeType: 'image/png',
		buffer: PNG
	});
	await first.getByTestId('result-pass').click();
	await expect(first).toHaveAttribute('data-result', 'pass');
	await expect(first.getByTestId('piece-photo')).toHaveCount(1);
	await expect(phone.getByTestId('line-verdict')).toHaveAttribute('data-within', 'true');
	await phone.getByTestId('accept').click();
	await expect(phone.getByTestId('order')).toHaveAttribute('data-state', 'released');

	// Order B: arrival only; its 48-hour window runs.
	await phone.goto(`/buyer/orders/${b.id}`);
	await phone.getByTestId('arrive').click();
	await expect(phone.getByTestId('order')).toHaveAttribute('data-state', 'arrived');
	await expect(phone.getByTestId('order-timer')).toContainText(/验货期剩 4[78]:/);

	// 48 hours (and a minute) pass on the server: the timer job accepts and releases B, and the
	// buyer's open list hears it.
	await phone.goto('/buyer/orders?tab=all');
	await expect(phone.getByTestId('connection')).toHaveText('实时已连接');
	const rowB = phone.locator(`[data-testid="order-row"][data-id="${b.id}"]`);
	await expect(rowB.getByTestId('order-state')).toHaveText('已到货');
	srv.shift(48 * HOUR + 60_000);
	await expect(rowB.getByTestId('order-state')).toHaveText('已放款', { timeout: 30_000 });
	await phone.goto(`/buyer/orders/${b.id}`);
	await expect(phone.getByTestId('timeline')).toContainText('超时自动收货');

	// Each supplier's receivables show their order paid out: nothing held, their share released.
	for (const [s, o] of [
		[s1, a],
		[s2, b]
	] as const) {
		await s.page.goto('/supplier/receivables');
		const row = s.page
			.getByTestId('trade-escrow-row')
			.filter({ has: s.page.locator(`td[title="${o.id}"]`) });
		await expect(row).toHaveCount(1);
		const cells = row.locator('td');
		await expect(cells.nth(2)).toHaveText('¥0.00');
		await expect(cells.nth(3)).not.toHaveText('¥0.00');
	}

	for (const c of [s1, s2, buyer]) await c.close();
});
