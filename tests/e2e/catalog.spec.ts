import { expect, test, type Page } from '@playwright/test';
import { submitSignIn } from './sign-in';

async function signIn(page: Page, email: string) {
	await submitSignIn(page, email);
	await expect(page.getByTestId('page-title')).toBeVisible();
}

test('a buyer filters by grade B and live special, shares the URL, and opens a lot', async ({
	page
}) => {
	await signIn(page, 'buyer1@demo.lotlive.cn');
	await expect(page).toHaveURL(/\/catalog$/);
	await expect(page.getByTestId('page-title')).toHaveText('货盘');
	const all = await page.getByTestId('lot-card').count();
	expect(all).toBeGreaterThan(10);

	await page.getByRole('checkbox', { name: /B 品 · 微瑕/ }).check();
	await expect(page).toHaveURL(/grade=B/);
	await page.getByRole('checkbox', { name: /直播专供/ }).check();
	await expect(page).toHaveURL(/grade=B.*scenario=live_special|scenario=live_special.*grade=B/);
	const cards = page.getByTestId('lot-card');
	await expect(cards.first()).toBeVisible();
	const n = await cards.count();
	expect(n).toBeGreaterThan(0);
	expect(n).toBeLessThan(all);
	for (let i = 0; i < n; i++) {
		await expect(cards.nth(i)).toContainText('B 品');
		await expect(cards.nth(i)).toContainText('直播专供');
	}
	// prices show like ¥35.00 with the tag price struck through
	await expect(cards.first().locator('s')).toHaveText(/^¥\d+\.\d\d$/);

	// the URL holds the filter: opening it fresh shows the same selection and results
	const shared = page.url();
	await page.goto(shared);
	await expect(page.getByRole('checkbox', { name: /B 品 · 微瑕/ })).toBeChecked();
	await expect(page.getByRole('checkbox', { name: /直播专供/ })).toBeChecked();
	await expect(page.getByTestId('lot-card')).toHaveCount(n);

	const title = (await cards.first().getByRole('heading').textContent())!.trim();
	await cards.first().getByRole('link', { name: title }).click();
	await expect(page).toHaveURL(/\/catalog\/lots\/[0-9a-f-]{36}$/);
	await expect(page.getByTestId('lot-title')).toHaveText(title);
	await expect(page.getByText('B 品 · 微瑕').first()).toBeVisible();
	await expect(page.getByTestId('defect')).not.toBeEmpty();
	const video = page.getByTestId('defect-video');
	await expect(video).toBeVisible();
	const src = await video.getAttribute('src');
	const res = await page.request.get(src!);
	expect(res.status()).toBe(200);
	expect(res.headers()['content-type']).toBe('video/webm');
});

test('searching in Chinese with two characters and paging on', async ({ page }) => {
	await signIn(page, 'host@demo.lotlive.cn');
	await page.goto('/catalog?q=童装&sort=price_asc');
	const cards = page.getByTestId('lot-card');
	await expect(cards.first()).toBeVisible();
	const prices = await cards.locator('strong').allTextContents();
	const fen = prices.map((p) => Number(p.replace(/[¥,]/g, '')));
	expect(fen).toEqual([...fen].sort((a, b) => a - b));
	await page.goto('/catalog');
	await page.getByTestId('next-page').click();
	await expect(page).toHaveURL(/cursor=/);
	await expect(page.getByTestId('lot-card').first()).toBeVisible();
});

test('a supplier sees the live price preview and the band error, then creates a lot', async ({
	page
}) => {
	await signIn(page, 'supplier1@demo.lotlive.cn');
	await page.getByRole('link', { name: '新建货盘' }).click();
	await page.getByLabel('货盘标题').fill('衣尚 e2e 测试T恤');
	await page.getByLabel('品类', { exact: true }).selectOption({ label: '　　T恤' });
	await page.getByLabel('品质').selectOption('B');
	await page.getByLabel('瑕疵说明').fill('袖口有线头');
	await page.getByLabel('吊牌价（元）').fill('299');
	await page.getByLabel('批发价（元）').fill('60');
	const preview = page.getByTestId('price-preview');
	await expect(preview).toContainText('✗');
	await expect(preview).toContainText('¥29.90–¥44.85');
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page.getByRole('alert').first()).toContainText('B 品价格须在吊牌价的 10%–15% 之间');
	await page.getByLabel('折扣（吊牌价的 %）').fill('11.7');
	await expect(page.getByLabel('批发价（元）')).toHaveValue('34.98');
	await expect(preview).toContainText('✓');
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page).toHaveURL(/\/supplier\/lots\/[0-9a-f-]{36}\?created=1$/);
	await expect(page.getByTestId('page-title')).toHaveText('衣尚 e2e 测试T恤');
});

test('an import with a bad row writes nothing and lists the problem by row and column', async ({
	page
}) => {
	await signIn(page, 'supplier2@demo.lotlive.cn');
	await page.goto('/supplier/import');
	const csv = [
		'标题,品类,来源,品质,瑕疵说明,吊牌价,批发价,起批量,库存',
		'步云 透气跑步鞋 e2e,shoes/sneakers,订单溢产,A,,599,100,200,2000',
		'步云 复古板鞋 e2e,shoes/sneakers,订单溢产,C,,599,40,200,2000'
	].join('\n');
	await page
		.getByLabel('表格文件')
		.setInputFiles({ name: 'lots.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	await page.getByRole('button', { name: '上传并预览' }).click();
	await expect(page.getByTestId('import-result')).toContainText('未写入任何数据');
	const row = page.getByRole('row').filter({ hasText: '瑕疵说明' });
	await expect(row).toContainText('3');
	await expect(row).toContainText('C 品必须填写瑕疵说明');
	await page.goto('/supplier?q=e2e');
	await expect(page.getByText('步云 透气跑步鞋 e2e')).toHaveCount(0);
});

test('an operator blocks a lot and buyers no longer find it', async ({ page, browser }) => {
	await signIn(page, 'ops@demo.lotlive.cn');
	await page.goto('/catalog?sort=newest');
	const card = page.getByTestId('lot-card').first();
	const title = (await card.getByRole('heading').textContent())!.trim();
	await card.getByRole('link', { name: title }).click();
	await page.getByLabel('封禁原因').fill('疑似假货，品牌方投诉');
	await page.getByRole('button', { name: '确认封禁' }).click();
	await expect(page.getByText('该货盘已被平台封禁：疑似假货，品牌方投诉')).toBeVisible();
	const lotUrl = page.url();

	const buyer = await browser.newPage();
	await signIn(buyer, 'buyer2@demo.lotlive.cn');
	const res = await buyer.goto(lotUrl);
	expect(res?.status()).toBe(404);
	await buyer.goto(`/catalog?sort=newest&q=${encodeURIComponent(title)}`);
	await expect(buyer.getByRole('link', { name: title })).toHaveCount(0);
	await buyer.close();

	await page.getByRole('button', { name: '解除封禁' }).click();
	await expect(page.getByText('已解除封禁。')).toBeVisible();
});

test.describe('lots API', () => {
	test('the OpenAPI document is public and describes the lots endpoints', async ({ request }) => {
		const res = await request.get('/api/v1/openapi.json');
		expect(res.status()).toBe(200);
		const doc = await res.json();
		expect(doc.openapi).toBe('3.1.0');
		expect(Object.keys(doc.paths)).toEqual(
			expect.arrayContaining(['/api/v1/lots', '/api/v1/lots/{id}', '/api/v1/lots/import'])
		);
		expect(doc.components.schemas.LotCreate.properties.tagPriceFen.type).toBe('integer');
	});

	test('filters by query parameters, refuses another supplier’s lot with 403, and names the band in a 422', async ({
		playwright,
		baseURL
	}) => {
		const as = async (email: string) => {
			const ctx = await playwright.request.newContext({
				baseURL,
				extraHTTPHeaders: { 'accept-language': 'en' }
			});
			const r = await ctx.post('/api/v1/auth/sign-in', { data: { email, password: 'demo1234' } });
			expect(r.status()).toBe(200);
			return ctx;
		};
		const buyer = await as('buyer1@demo.lotlive.cn');
		const page = await (
			await buyer.get('/api/v1/lots?grade=B&scenario=live_special&limit=5&facets=1')
		).json();
		expect(page.items.length).toBeGreaterThan(0);
		expect(
			page.items.every(
				(l: { grade: string; scenarios: string[] }) =>
					l.grade === 'B' && l.scenarios.includes('live_special')
			)
		).toBe(true);
		expect(page.facets.grade.B).toBeGreaterThan(0);
		const bad = await buyer.get('/api/v1/lots?grade=D');
		expect(bad.status()).toBe(400);
		expect((await bad.json()).error.field).toBe('grade');

		const s1 = await as('supplier1@demo.lotlive.cn');
		const s2 = await as('supplier2@demo.lotlive.cn');
		const mine = await (await s1.get('/api/v1/lots?mine=1&limit=1')).json();
		const lotId = mine.items[0].id;
		const forbidden = await s2.patch(`/api/v1/lots/${lotId}`, { data: { title: '抢来的' } });
		expect(forbidden.status()).toBe(403);
		expect((await forbidden.json()).error.code).toBe('forbidden');
		const created = await s1.post('/api/v1/lots', {
			data: {
				title: 'API 连衣裙',
				categoryPath: 'apparel/women/dresses',
				source: 'season_clearance',
				grade: 'A',
				tagPriceFen: 39900,
				unitPriceFen: 5000,
				moq: 50,
				onHand: 500
			}
		});
		expect(created.status()).toBe(422);
		const err = (await created.json()).error;
		expect(err).toMatchObject({ code: 'price_out_of_band', field: 'unitPriceFen' });
		expect(err.message).toContain(
			'Grade A prices must be 15%–20% of the tag price (¥59.85–¥79.80)'
		);
		for (const c of [buyer, s1, s2]) await c.dispose();
	});
});
