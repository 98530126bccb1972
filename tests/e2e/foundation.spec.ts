import { expect, test } from '@playwright/test';

test('the demo host signs in, sees the console in Chinese, switches to English, signs out', async ({
	page
}) => {
	await page.goto('/');
	await page.getByRole('link', { name: '登录' }).click();
	await expect(page.getByRole('heading', { name: '登录 LotLive' })).toBeVisible();
	await page.getByLabel('邮箱').fill('host@demo.lotlive.cn');
	await page.getByLabel('密码').fill('demo1234');
	await page.getByRole('button', { name: '登录' }).click();

	await expect(page).toHaveURL(/\/console$/);
	await expect(page.getByTestId('page-title')).toHaveText('直播控制台');
	await expect(
		page.getByRole('navigation').getByRole('link', { name: '直播控制台' })
	).toBeVisible();
	await expect(page.getByRole('navigation').getByRole('link', { name: '供应商后台' })).toHaveCount(
		0
	);
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	await expect(page.getByText('场控 阿杰')).toBeVisible();

	await page.getByLabel('语言').selectOption('en');
	await expect(page.getByTestId('page-title')).toHaveText('Live console');
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await expect(page).toHaveURL(/\/console$/);

	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/sign-in$/);
	await page.goto('/console');
	await expect(page).toHaveURL(/\/sign-in\?next=%2Fconsole$/);
});

// The language choice is stored on the host's account: give it back its Chinese.
test.afterAll(async ({ request }) => {
	const r = await request.post('/api/v1/auth/sign-in', {
		data: { email: 'host@demo.lotlive.cn', password: 'demo1234' }
	});
	expect(r.ok()).toBe(true);
	const back = await request.post('/locale', {
		form: { locale: 'zh-CN', next: '/' },
		headers: { origin: new URL(r.url()).origin }
	});
	expect(back.ok()).toBe(true);
});

test('a wrong password shows one message for unknown and known emails', async ({ page }) => {
	await page.goto('/sign-in');
	await page.waitForLoadState('networkidle');
	await page.getByLabel('邮箱').fill('host@demo.lotlive.cn');
	await page.getByLabel('密码').fill('wrong-password');
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page.getByTestId('form-error')).toHaveText('邮箱或密码不正确。');
	await page.getByLabel('邮箱').fill('nobody@demo.lotlive.cn');
	await page.getByLabel('密码').fill('wrong-password');
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page.getByTestId('form-error')).toHaveText('邮箱或密码不正确。');
});

test('sign-up form shows field errors in place', async ({ page }) => {
	await page.goto('/sign-up');
	await page.getByLabel('企业/团队名称').fill('测试档口');
	await page.getByLabel('姓名/昵称').fill('测试');
	await page.getByLabel('邮箱').fill('not-an-email');
	await page.getByLabel('密码').fill('12345678');
	await page.getByRole('button', { name: '注册' }).click();
	await expect(page.getByRole('alert')).toHaveText('请输入有效的邮箱地址。');
	await page.getByLabel('邮箱').fill('ok@example.cn');
	await page.getByLabel('密码').fill('short');
	await page.getByRole('button', { name: '注册' }).click();
	await expect(page.getByRole('alert')).toHaveText('密码至少需要 8 位。');
});

test('a buyer opening the supplier portal gets 403', async ({ page }) => {
	await page.goto('/sign-in');
	await page.waitForLoadState('networkidle');
	await page.getByLabel('邮箱').fill('buyer1@demo.lotlive.cn');
	await page.getByLabel('密码').fill('demo1234');
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/catalog$/);
	const res = await page.goto('/supplier');
	expect(res?.status()).toBe(403);
	await expect(page.getByTestId('error-message')).toHaveText('你没有权限访问此页面。');
	const admin = await page.goto('/admin');
	expect(admin?.status()).toBe(403);
});

test.describe('HTTP API', () => {
	test('sign-up validation answers 400 naming the field', async ({ request }) => {
		const bad = await request.post('/api/v1/auth/sign-up', {
			data: {
				email: 'nope',
				password: 'long enough',
				displayName: 'a',
				orgName: 'b',
				role: 'buyer'
			},
			headers: { 'accept-language': 'en' }
		});
		expect(bad.status()).toBe(400);
		expect((await bad.json()).error).toMatchObject({ code: 'invalid_input', field: 'email' });
		const short = await request.post('/api/v1/auth/sign-up', {
			data: {
				email: 'a@example.cn',
				password: 'short',
				displayName: 'a',
				orgName: 'b',
				role: 'buyer'
			}
		});
		expect(short.status()).toBe(400);
		expect((await short.json()).error).toMatchObject({ field: 'password' });
		const notJson = await request.post('/api/v1/auth/sign-up', {
			data: '<x/>',
			headers: { 'content-type': 'application/xml' }
		});
		expect(notJson.status()).toBe(400);
	});

	test('wrong password and unknown email get the same 401', async ({ request }) => {
		const a = await request.post('/api/v1/auth/sign-in', {
			data: { email: 'host@demo.lotlive.cn', password: 'nope-nope' }
		});
		const b = await request.post('/api/v1/auth/sign-in', {
			data: { email: 'ghost@demo.lotlive.cn', password: 'nope-nope' }
		});
		expect(a.status()).toBe(401);
		expect(b.status()).toBe(401);
		expect(await a.json()).toEqual(await b.json());
	});

	test('API calls without credentials get 401; health reports the database', async ({
		request
	}) => {
		const anon = await request.get('/api/v1/me');
		expect(anon.status()).toBe(401);
		const health = await request.get('/healthz');
		expect((await health.json()).database.reachable).toBe(true);
	});

	test('socket.io without a session is refused with 401', async ({ request }) => {
		const res = await request.get('/socket.io/?EIO=4&transport=polling');
		expect(res.status()).toBe(401);
	});
});
