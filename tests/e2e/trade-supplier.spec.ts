import { randomUUID } from 'node:crypto';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { submitSignIn } from './sign-in';

// The supplier's side of wholesale trade (issue 18): a paid order appears live in the queue, the
// supplier accepts it, ships it in two parcels and prints the packing list; the lot's trade terms
// refuse a price break outside the grade band; an operator confirms a bank transfer.

async function signedIn(browser: Browser, baseURL: string, email: string, home: RegExp) {
	const context = await browser.newContext({ baseURL });
	await context.addCookies([{ name: 'lotlive_locale', value: 'zh-CN', url: baseURL }]);
	const page = await context.newPage();
	await submitSignIn(page, email);
	await expect(page).toHaveURL(home);
	return { context, page };
}

interface LotRow {
	id: string;
	status: string;
	visible: boolean;
	available: number;
	moq: number;
	priceOverride?: boolean;
}

/** Active, visible lots of the signed-in supplier with `pieces` free, not yet used by a test. */
async function buyableLot(page: Page, pieces: (l: LotRow) => number, not: string[]) {
	let cursor: string | null = null;
	for (let i = 0; i < 20; i++) {
		const res = await page.request.get(
			`/api/v1/lots?mine=1&sort=newest${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
		);
		expect(res.ok()).toBe(true);
		const body = (await res.json()) as { items: LotRow[]; nextCursor: string | null };
		const lot = body.items.find(
			(l) =>
				l.status === 'active' &&
				l.visible &&
				!l.priceOverride &&
				l.available >= pieces(l) &&
				!not.includes(l.id)
		);
		if (lot) return lot;
		cursor = body.nextCursor;
		if (!cursor) break;
	}
	throw new Error('the demo supplier has no buyable lot');
}

const SHIP_TO = {
	name: '王老板',
	phone: '13900000000',
	province: '山东省',
	city: '济南市',
	district: '历下区',
	address: '泉城路 1 号'
};

/** How many pieces a test buys: the MOQ, at least the mixed-batch minimum (step 1). */
const piecesOf = (l: LotRow) => Math.max(l.moq, 50);

/** The buyer checks out one line through the API (as the buyer pages or an ERP would). */
async function checkout(buyer: Page, lotId: string, quantity: number, provider: string) {
	const res = await buyer.request.post('/api/v1/trade/orders', {
		headers: { 'idempotency-key': randomUUID() },
		data: { lines: [{ lotId, quantity }], shipTo: SHIP_TO, provider }
	});
	expect(res.status(), await res.text()).toBe(201);
	const body = (await res.json()) as { orders: { id: string; number: number }[] };
	expect(body.orders).toHaveLength(1);
	return body.orders[0]!;
}

/** Saves the lot's terms through its form: step 1, 20 pieces per carton, no price breaks. */
async function setTerms(page: Page, lotId: string) {
	await page.goto(`/supplier/lots/${lotId}`);
	const card = page.getByTestId('trade-terms');
	await card.getByLabel('数量步长（件）').fill('1');
	await card.getByLabel('每箱件数').fill('20');
	for (const remove of await card.getByRole('button', { name: '删除' }).all()) await remove.click();
	await card.getByRole('button', { name: '保存批发条款' }).click();
	await expect(card.getByRole('status')).toHaveText('批发条款已保存。');
}

const used: string[] = [];

test('a paid wholesale order appears live in the supplier’s queue; the supplier accepts it, ships it in two parcels, prints the packing list and follows the buyer’s arrival and inspection', async ({
	browser,
	baseURL
}) => {
	const supplier = await signedIn(browser, baseURL!, 'supplier1@demo.lotlive.cn', /\/supplier$/);
	const lot = await buyableLot(supplier.page, piecesOf, used);
	used.push(lot.id);
	const quantity = piecesOf(lot);
	await setTerms(supplier.page, lot.id);

	// The queue is open and live before the order is paid.
	await supplier.page.goto('/supplier/trade');
	await expect(supplier.page.getByTestId('page-title')).toHaveText('批发订单');
	await expect(supplier.page.getByTestId('connection')).toHaveText('实时已连接');

	const buyer = await signedIn(browser, baseURL!, 'buyer1@demo.lotlive.cn', /\/(catalog|buyer)/);
	const order = await checkout(buyer.page, lot.id, quantity, 'test');
	const paid = await buyer.page.request.post(`/api/v1/trade/orders/${order.id}/pay`);
	expect(paid.ok(), await paid.text()).toBe(true);

	// It appears on 待接单 without a reload, with its accept countdown (24 h).
	const row = supplier.page.locator(`[data-testid="trade-order"][data-number="${order.number}"]`);
	await expect(row).toBeVisible();
	await expect(row.getByTestId('state')).toHaveText('已付款待接单');
	await expect(row.getByTestId('trade-sla')).toContainText(/接单剩余 2[34]:\d\d:\d\d/);
	await expect(supplier.page.getByTestId('new-count')).toContainText('新订单');

	// Accept: the order moves to 待发货 (the ship countdown runs).
	await row.getByTestId('accept').click();
	await expect(row).toBeHidden();
	await expect(supplier.page.getByTestId('tab-count-to_ship')).toBeVisible();
	await supplier.page.getByTestId('tab-to_ship').click();
	const toShip = supplier.page.locator(
		`[data-testid="trade-order"][data-number="${order.number}"]`
	);
	await expect(toShip.getByTestId('trade-sla')).toContainText('发货剩余');

	// Ship in two parcels from the order page.
	await toShip.getByTestId('ship').click();
	await expect(supplier.page).toHaveURL(new RegExp(`/supplier/trade/${order.id}`));
	const cartons = Math.ceil(quantity / 20);
	const parcels = supplier.page.getByTestId('parcel');
	await expect(parcels).toHaveCount(1);
	await expect(parcels.first().getByLabel('箱数')).toHaveValue(String(cartons));
	await supplier.page.getByTestId('add-parcel').click();
	await expect(parcels).toHaveCount(2);
	const tracking = [`SF${Date.now()}1`, `ZT${Date.now()}2`];
	await parcels.nth(0).getByLabel('物流公司').selectOption('SF');
	await parcels.nth(0).getByLabel('运单号').fill(tracking[0]!);
	await parcels.nth(1).getByLabel('物流公司').selectOption('ZTO');
	await parcels.nth(1).getByLabel('运单号').fill(tracking[1]!);
	await expect(supplier.page.getByTestId('cartons-sum')).toHaveText(
		`已填 ${Math.max(cartons, 2)} 箱 / 共 ${cartons} 箱`
	);
	await supplier.page.getByTestId('ship-submit').click();
	await expect(supplier.page.getByTestId('state')).toHaveText('已发货');
	const shipped = supplier.page.getByTestId('shipped-parcel');
	await expect(shipped).toHaveCount(2);
	// parcels shipped at the same instant come in any order
	await expect(supplier.page.getByTestId('parcels')).toContainText(`顺丰速运 ${tracking[0]}`);
	await expect(supplier.page.getByTestId('parcels')).toContainText(`中通快递 ${tracking[1]}`);

	// The packing list prints the order number, the line with its cartons and the parcels.
	const [print] = await Promise.all([
		supplier.page.waitForEvent('popup'),
		supplier.page.getByTestId('packing-list').click()
	]);
	await expect(print.getByTestId('print-title')).toHaveText('装箱单');
	await expect(print.getByTestId('order-number')).toHaveText(String(order.number));
	await expect(print.getByTestId('barcode')).toBeVisible();
	await expect(print.getByTestId('packing-line')).toHaveCount(1);
	await expect(print.getByTestId('print-pieces')).toHaveText(String(quantity));
	await expect(print.getByTestId('print-cartons')).toHaveText(String(cartons));
	await expect(print.getByTestId('print-ship-to')).toContainText('泉城路 1 号');
	await expect(print.getByRole('button', { name: '打印' })).toBeVisible();

	// The buyer sees the order shipped too; nobody else can open the packing list.
	const view = await buyer.page.request.get(`/api/v1/trade/orders/${order.id}`);
	expect(((await view.json()) as { order: { state: string } }).order.state).toBe('shipped');

	// The buyer confirms arrival: the supplier's open order page follows live.
	await print.close();
	expect((await buyer.page.request.post(`/api/v1/trade/orders/${order.id}/arrive`)).ok()).toBe(
		true
	);
	await expect(supplier.page.getByTestId('state')).toHaveText('已到货');
	await expect(supplier.page.getByTestId('trade-sla')).toContainText('验货剩余');
	// …inspects one drawn piece as a minor defect; the supplier reads the verdict.
	const started = await buyer.page.request.post(`/api/v1/trade/orders/${order.id}/inspection`);
	expect(started.ok(), await started.text()).toBe(true);
	const draw = (
		(await started.json()) as {
			inspection: { lines: { lineId: string; pieces: { piece: number }[] }[] };
		}
	).inspection.lines[0]!;
	const recorded = await buyer.page.request.post(`/api/v1/trade/orders/${order.id}/inspection`, {
		data: {
			items: [{ lineId: draw.lineId, piece: draw.pieces[0]!.piece, result: 'minor', note: '线头' }]
		}
	});
	expect(recorded.ok(), await recorded.text()).toBe(true);
	await supplier.page.reload();
	await expect(supplier.page.getByTestId('state')).toHaveText('验货中');
	const inspection = supplier.page.getByTestId('inspection');
	await expect(inspection.getByTestId('verdict')).toHaveCount(1);
	await expect(inspection.getByTestId('verdict')).toContainText(`1 / ${draw.pieces.length}`);
	await expect(inspection).toContainText('线头');
	const other = await signedIn(browser, baseURL!, 'supplier2@demo.lotlive.cn', /\/supplier$/);
	const res = await other.page.goto(`/supplier/trade/${order.id}/packing-list`);
	expect(res?.status()).toBe(404);
	await Promise.all([supplier.context.close(), buyer.context.close(), other.context.close()]);
});

test('the lot’s trade terms refuse a price break outside the grade band, naming the field', async ({
	browser,
	baseURL
}) => {
	const supplier = await signedIn(browser, baseURL!, 'supplier1@demo.lotlive.cn', /\/supplier$/);
	const lot = await buyableLot(supplier.page, () => 0, used);
	await supplier.page.goto(`/supplier/lots/${lot.id}`);
	const card = supplier.page.getByTestId('trade-terms');
	await expect(card.getByRole('heading', { name: '批发条款' })).toBeVisible();
	const before = await card.getByTestId('terms-break').count();
	await card.getByTestId('terms-add').click();
	const row = card.getByTestId('terms-break').nth(before);
	await row.getByLabel('起购数量（件）').fill(String(lot.moq + 1000 * (before + 1)));
	// one fen is below every grade's band
	await row.getByLabel('单价（元）').fill('0.01');
	await card.getByRole('button', { name: '保存批发条款' }).click();
	const price = card.getByTestId('terms-break').nth(before).getByLabel('单价（元）');
	await expect(price).toHaveAttribute('aria-invalid', 'true');
	await expect(card.getByTestId('terms-break').nth(before).getByRole('alert')).toContainText(
		'单价须在该等级价格区间'
	);
	// nothing was saved: the page loaded again shows the breaks as they were
	await supplier.page.reload();
	await expect(supplier.page.getByTestId('trade-terms').getByTestId('terms-break')).toHaveCount(
		before
	);
	await supplier.context.close();
});

test('an operator confirms a buyer’s bank transfer with the bank’s serial number; the order is paid and reaches the supplier', async ({
	browser,
	baseURL
}) => {
	const supplier = await signedIn(browser, baseURL!, 'supplier1@demo.lotlive.cn', /\/supplier$/);
	const lot = await buyableLot(supplier.page, piecesOf, used);
	used.push(lot.id);
	await setTerms(supplier.page, lot.id);
	const buyer = await signedIn(browser, baseURL!, 'buyer2@demo.lotlive.cn', /\/(catalog|buyer)/);
	const order = await checkout(buyer.page, lot.id, piecesOf(lot), 'bank_transfer');

	const operator = await signedIn(browser, baseURL!, 'ops@demo.lotlive.cn', /\/admin$/);
	await operator.page.getByTestId('nav-payments').click();
	await expect(operator.page).toHaveURL(/\/admin\/payments$/);
	const row = operator.page.locator(`[data-testid="transfer"][data-number="${order.number}"]`);
	await expect(row).toBeVisible();
	// a serial with spaces is refused beside its row
	await row.getByTestId('reference').fill('流水 号');
	await row.getByTestId('confirm').click();
	await expect(row.getByRole('alert')).toBeVisible();
	await row.getByTestId('reference').fill(`BOC${Date.now()}`);
	await row.getByTestId('confirm').click();
	await expect(operator.page.getByTestId('confirmed')).toContainText(`#${order.number}`);
	await expect(row).toBeHidden();

	const view = await buyer.page.request.get(`/api/v1/trade/orders/${order.id}`);
	expect(((await view.json()) as { order: { state: string } }).order.state).toBe('paid');
	await supplier.page.goto('/supplier/trade');
	await expect(
		supplier.page.locator(`[data-testid="trade-order"][data-number="${order.number}"]`)
	).toBeVisible();
	await Promise.all([supplier.context.close(), buyer.context.close(), operator.context.close()]);
});

test('an operator lengthens the wholesale accept deadline on /admin/policy and the supplier’s queue says so; a cross-field error stays beside its field', async ({
	browser,
	baseURL
}) => {
	const operator = await signedIn(browser, baseURL!, 'ops@demo.lotlive.cn', /\/admin$/);
	const page = operator.page;
	await page.getByTestId('nav-policy').click();
	await page.waitForLoadState('networkidle');
	await expect(page.getByRole('group', { name: /批发交易/ })).toBeVisible();
	await expect(page.getByRole('group', { name: /批发验货/ })).toBeVisible();
	const accept = page.getByLabel('批发接单时限（自付款起）');
	await expect(accept).toHaveValue('24');
	await expect(page.getByLabel('抽检比例')).toHaveValue('30');

	// accepting may not take longer than shipping (72 h): refused beside the field
	await accept.fill('80');
	await page.getByLabel('修改原因').fill('试试看');
	await page.getByRole('button', { name: '保存为新版本' }).click();
	await expect(accept).toHaveAttribute('aria-invalid', 'true');

	await accept.fill('36');
	await page.getByLabel('修改原因').fill('春节前延长接单时限');
	await page.getByRole('button', { name: '保存为新版本' }).click();
	await expect(page.getByRole('status')).toContainText('已保存第');
	await expect(page.getByTestId('policy-history-row').first()).toContainText(
		'批发接单时限（自付款起）: 24 小时 → 36 小时'
	);

	const supplier = await signedIn(browser, baseURL!, 'supplier1@demo.lotlive.cn', /\/supplier$/);
	await supplier.page.getByTestId('nav-trade').click();
	await expect(supplier.page.getByText('36 小时内接单')).toBeVisible();

	// Leave the shared e2e server as the other specs expect it.
	await page.getByLabel('批发接单时限（自付款起）').fill('24');
	await page.getByLabel('修改原因').fill('恢复默认');
	await page.getByRole('button', { name: '保存为新版本' }).click();
	await expect(page.getByRole('status')).toContainText('已保存第');
	await Promise.all([operator.context.close(), supplier.context.close()]);
});
