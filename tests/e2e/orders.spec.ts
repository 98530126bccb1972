import { expect, test, type Browser, type Page } from '@playwright/test';
import { submitSignIn } from './sign-in';

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
	dropshipAllowed: boolean;
	available: number;
}

/** A lot of this supplier that a show can sell by dropship, with stock to lock. */
async function sellableLot(page: Page, not: string[] = []): Promise<string> {
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
				l.dropshipAllowed &&
				l.available >= 10 &&
				!not.includes(l.id)
		);
		if (lot) return lot.id;
		cursor = body.nextCursor;
		if (!cursor) break;
	}
	throw new Error('the demo supplier has no sellable dropship lot');
}

/** A live show of the host's team selling `lotId`, with `lock` units locked. */
async function liveShow(host: Page, lotId: string, lock: number): Promise<string> {
	const created = await host.request.post('/api/v1/shows', {
		data: { title: 'e2e 订单专场', slots: [{ lotId }] }
	});
	expect(created.status()).toBe(201);
	const { id } = (await created.json()) as { id: string };
	expect(
		(await host.request.post(`/api/v1/shows/${id}/status`, { data: { status: 'live' } })).ok()
	).toBe(true);
	const locked = await host.request.post(`/api/v1/shows/${id}/locks`, {
		data: { lotId, quantity: lock }
	});
	expect(locked.status()).toBe(201);
	return id;
}

const usedLots: string[] = [];

test('an order posted with the host team’s token appears live in the supplier’s queue; shipping it shows up live on the host’s show orders page', async ({
	browser,
	baseURL,
	playwright
}) => {
	// The host team creates an API token on its account page (as the live platform's webhook would use).
	const host = await signedIn(browser, baseURL!, 'host@demo.lotlive.cn', /\/console$/);
	await host.page.goto('/account');
	await host.page.getByLabel('令牌名称').fill('e2e 订单回调');
	await host.page.getByRole('button', { name: '创建令牌' }).click();
	const token = (await host.page.getByTestId('new-token').textContent())?.trim();
	expect(token).toBeTruthy();

	// The supplier owns the lot the show sells.
	const supplier = await signedIn(browser, baseURL!, 'supplier1@demo.lotlive.cn', /\/supplier$/);
	const lotId = await sellableLot(supplier.page);

	usedLots.push(lotId);

	// A live show with a lock on that lot, through the API as the host.
	const showId = await liveShow(host.page, lotId, 5);

	// Both pages open and connected before the order arrives.
	await supplier.page.goto('/supplier/orders');
	await expect(supplier.page.getByTestId('page-title')).toHaveText('订单发货');
	await expect(supplier.page.getByTestId('connection')).toHaveText('实时已连接');
	await host.page.goto(`/console/shows/${showId}/orders`);
	await expect(host.page.getByTestId('no-orders')).toBeVisible();
	await expect(host.page.getByTestId('connection')).toHaveText('实时已连接');

	// The platform's webhook: a consumer order with the team's Bearer token.
	const externalId = `E2E-${Date.now()}`;
	const api = await playwright.request.newContext({
		baseURL,
		extraHTTPHeaders: { authorization: `Bearer ${token}` }
	});
	const placed = await api.post('/api/v1/orders', {
		data: {
			externalId,
			showId,
			lines: [{ lotId, quantity: 2, unitPrice: 3500 }],
			shipTo: {
				name: '王小明',
				phone: '13800138000',
				province: '山东省',
				city: '济南市',
				district: '历下区',
				address: '泉城路 1 号'
			},
			paidAt: new Date().toISOString()
		}
	});
	expect(placed.status()).toBe(201);
	await api.dispose();

	// The card appears without a reload, marked new, counted in the header and the nav.
	const card = supplier.page.getByTestId('fulfilment').filter({ hasText: externalId });
	await expect(card).toBeVisible();
	await expect(card.getByTestId('new-badge')).toHaveText('新');
	await expect(card.getByTestId('status')).toHaveText('待接单');
	await expect(card.getByTestId('ship-to')).toContainText('王小明');
	await expect(card.getByTestId('sla')).toContainText('接单剩余');
	await expect(supplier.page.getByTestId('new-count')).toHaveText('1 个新订单');
	await expect(supplier.page.getByTestId('nav-orders')).toContainText('1');

	// The host's page shows the new order live as well.
	const number = await card.getAttribute('data-number');
	const row = host.page.locator(`[data-testid="fulfilment-row"][data-number="${number}"]`);
	await expect(row.getByTestId('status')).toHaveText('待接单');
	await expect(host.page.getByTestId('total-orders')).toHaveText('1');

	// The supplier accepts, then ships with a tracking number.
	await card.getByTestId('action-accept').click();
	await expect(card.getByTestId('status')).toHaveText('已接单');
	await expect(card.getByTestId('sla')).toContainText('发货剩余');
	await expect(row.getByTestId('status')).toHaveText('已接单');
	await card.getByTestId('action-ship').click();
	await card.getByTestId('carrier').fill('顺丰速运');
	await card.getByTestId('tracking-no').fill('SF1234567890');
	await card.getByTestId('submit-action').click();
	await expect(card.getByTestId('status')).toHaveText('已发货');
	await expect(card.getByTestId('tracking')).toContainText('SF1234567890');

	// The host sees it shipped, with the tracking number, without reloading.
	await expect(row.getByTestId('status')).toHaveText('已发货');
	await expect(row.getByTestId('tracking')).toContainText('顺丰速运 SF1234567890');
	await expect(row.getByTestId('action-deliver')).toBeVisible();

	await host.context.close();
	await supplier.context.close();
});

test('the host sets packaging and enters an order; the supplier prints labels, bulk-ships from a sheet with a per-row report; the host confirms delivery', async ({
	browser,
	baseURL
}) => {
	const host = await signedIn(browser, baseURL!, 'host@demo.lotlive.cn', /\/console$/);
	const supplier = await signedIn(browser, baseURL!, 'supplier1@demo.lotlive.cn', /\/supplier$/);
	const lotId = await sellableLot(supplier.page, usedLots);
	const showId = await liveShow(host.page, lotId, 5);

	// From the live console to the show's orders page.
	await host.page.goto(`/console/shows/${showId}`);
	await host.page.getByTestId('orders-link').click();
	await expect(host.page).toHaveURL(new RegExp(`/console/shows/${showId}/orders$`));
	await expect(host.page.getByTestId('connection')).toHaveText('实时已连接');

	// Show-wide packaging: remove the brand logo on every parcel.
	await host.page.getByText('包装与佣金设置').click();
	await host.page.getByRole('group', { name: '全场包装要求' }).getByLabel('去除品牌标').check();
	await host.page.getByRole('button', { name: '保存' }).first().click();
	await expect(host.page.getByText('已保存。')).toBeVisible();

	// An order entered by hand in the console.
	const externalId = `CONSOLE-${Date.now()}`;
	await host.page.getByText('录入订单').click();
	const entry = host.page.getByTestId('order-entry');
	await entry.getByLabel('平台订单号').fill(externalId);
	await entry.locator('input[type="number"]').first().fill('2');
	await entry.getByLabel('姓名', { exact: true }).fill('李四');
	await entry.getByLabel('电话', { exact: true }).fill('13900139000');
	await entry.getByLabel('省', { exact: true }).fill('广东省');
	await entry.getByLabel('市', { exact: true }).fill('深圳市');
	await entry.getByLabel('详细地址').fill('南山区科技园 8 号');
	await entry.getByRole('button', { name: '提交订单' }).click();
	await expect(entry.getByRole('status')).toHaveText(`订单 ${externalId} 已创建。`);
	const row = host.page.getByTestId('fulfilment-row').filter({ hasText: externalId });
	await expect(row.getByTestId('status')).toHaveText('待接单');
	await expect(row.getByTestId('packaging')).toContainText('去除品牌标');
	const number = await row.getAttribute('data-number');

	// The supplier sees the packaging chip, accepts, and prints the label of the selected parcel.
	await supplier.page.goto('/supplier/orders');
	const card = supplier.page.getByTestId('fulfilment').filter({ hasText: externalId });
	await expect(card.getByTestId('packaging')).toContainText('去除品牌标');
	await card.getByTestId('action-accept').click();
	await expect(card.getByTestId('status')).toHaveText('已接单');
	await card.getByTestId('select').check();
	const [labels] = await Promise.all([
		supplier.context.waitForEvent('page'),
		supplier.page.getByRole('link', { name: '打印快递面单' }).click()
	]);
	await expect(labels.getByTestId('print-title')).toHaveText('快递面单');
	await expect(labels.getByTestId('label')).toHaveCount(1);
	await expect(labels.getByTestId('label')).toContainText('李四');
	await expect(labels.getByTestId('label')).toContainText('广东省 深圳市 南山区科技园 8 号');
	await labels.close();

	// Bulk ship: one good row, one unknown number → per-row report; the card updates live.
	await supplier.page.getByText('批量发货').click();
	await supplier.page.getByTestId('bulk-file').setInputFiles({
		name: 'ship.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(
			`发货单号,快递公司,快递单号\n${number},中通快递,ZT1234567890\n99999999,中通快递,ZT0000000001\n`
		)
	});
	await supplier.page.getByRole('button', { name: '上传并发货' }).click();
	await expect(supplier.page.getByTestId('bulk-result')).toHaveText('成功发货 1 个，失败 1 个');
	const report = supplier.page.getByTestId('bulk-report');
	await expect(report.locator('tbody tr')).toHaveCount(2);
	await expect(report.locator('tbody tr').nth(0)).toContainText('成功');
	await expect(report.locator('tbody tr').nth(1)).toContainText('失败');
	await expect(card.getByTestId('status')).toHaveText('已发货');

	// The host sees it shipped and confirms delivery.
	await expect(row.getByTestId('status')).toHaveText('已发货');
	await expect(row.getByTestId('tracking')).toContainText('ZT1234567890');
	await row.getByTestId('action-deliver').click();
	await expect(row.getByTestId('status')).toHaveText('已签收');
	await expect(card.getByTestId('status')).toHaveText('已签收');

	await host.context.close();
	await supplier.context.close();
});
