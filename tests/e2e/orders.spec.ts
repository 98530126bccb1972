import { expect, test, type Browser, type Page } from '@playwright/test';

async function signedIn(browser: Browser, baseURL: string, email: string, home: RegExp) {
	const context = await browser.newContext({ baseURL });
	await context.addCookies([{ name: 'lotlive_locale', value: 'zh-CN', url: baseURL }]);
	const page = await context.newPage();
	await page.goto('/sign-in');
	await page.getByLabel('邮箱').fill(email);
	await page.getByLabel('密码').fill('demo1234');
	await page.getByRole('button', { name: '登录' }).click();
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
async function sellableLot(page: Page): Promise<string> {
	let cursor: string | null = null;
	for (let i = 0; i < 20; i++) {
		const res = await page.request.get(
			`/api/v1/lots?mine=1&sort=newest${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
		);
		expect(res.ok()).toBe(true);
		const body = (await res.json()) as { items: LotRow[]; nextCursor: string | null };
		const lot = body.items.find(
			(l) => l.status === 'active' && l.visible && l.dropshipAllowed && l.available >= 10
		);
		if (lot) return lot.id;
		cursor = body.nextCursor;
		if (!cursor) break;
	}
	throw new Error('the demo supplier has no sellable dropship lot');
}

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

	// A live show with a lock on that lot, through the API as the host.
	const created = await host.page.request.post('/api/v1/shows', {
		data: { title: 'e2e 订单专场', slots: [{ lotId }] }
	});
	expect(created.status()).toBe(201);
	const { id: showId } = (await created.json()) as { id: string };
	const live = await host.page.request.post(`/api/v1/shows/${showId}/status`, {
		data: { status: 'live' }
	});
	expect(live.ok()).toBe(true);
	const locked = await host.page.request.post(`/api/v1/shows/${showId}/locks`, {
		data: { lotId, quantity: 5 }
	});
	expect(locked.status()).toBe(201);

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
