// Run-of-show boards in two browser contexts against a server this spec owns (it restarts it):
// concurrent script edits converge, offline edits survive a reload and merge, a restart loses
// nothing shown as saved, another team is refused, and the planning tools work.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startOwnServer, type OwnServer } from './own-server';

const PORT = Number(process.env.E2E_BOARDS_PORT ?? 3183);
const PASSWORD = 'demo1234';
const HOST = 'host@demo.lotlive.cn';
const ASSISTANT1 = 'assistant1@demo.lotlive.cn';
const ASSISTANT2 = 'assistant2@demo.lotlive.cn';

let srv: OwnServer;
test.describe.configure({ mode: 'serial' });
test.setTimeout(90_000);

test.beforeAll(async () => {
	test.setTimeout(120_000);
	srv = await startOwnServer(PORT, 'e2e_boards');
});
test.afterAll(async () => {
	await srv?.stop();
});

async function signedIn(browser: Browser, email: string): Promise<BrowserContext> {
	const ctx = await browser.newContext({ baseURL: srv.url, locale: 'zh-CN' });
	const res = await ctx.request.post('/api/v1/auth/sign-in', {
		data: { email, password: PASSWORD }
	});
	expect(res.status()).toBe(200);
	return ctx;
}

/** A fresh copy of the demo board (five slots), so every test starts from the same content. */
async function newBoard(ctx: BrowserContext, name: string): Promise<string> {
	const list = await (await ctx.request.get('/api/v1/boards')).json();
	const demo = list.boards.find((b: { name: string }) => b.name === '周五晚 8 点 · 清仓专场');
	expect(demo).toBeTruthy();
	const res = await ctx.request.post(`/api/v1/boards/${demo.id}/duplicate`, { data: { name } });
	expect(res.status()).toBe(201);
	return (await res.json()).id;
}

async function openBoard(ctx: BrowserContext, id: string): Promise<Page> {
	const page = await ctx.newPage();
	await page.goto(`/console/boards/${id}`);
	await expectSaved(page);
	return page;
}

const badge = (page: Page) => page.getByTestId('sync-badge');
async function expectSaved(page: Page, timeout = 15_000) {
	await expect(badge(page)).toHaveAttribute('data-state', 'saved', { timeout });
	await expect(badge(page)).toHaveText('已保存');
}

async function selectSlot(page: Page, n: number) {
	await page.getByTestId('slot-card').nth(n).getByTestId('slot-select').click();
	await expect(page.getByTestId('slot-detail')).toHaveAttribute(
		'data-slot-id',
		(await page.getByTestId('slot-card').nth(n).getAttribute('data-slot-id'))!
	);
}

async function caretAtEnd(page: Page) {
	await page.getByTestId('script').click();
	await page.keyboard.press('Control+End');
}

async function typeAtEnd(page: Page, text: string) {
	await caretAtEnd(page);
	await page.keyboard.type(text, { delay: 25 });
}

async function storedSlots(ctx: BrowserContext, id: string) {
	const res = await ctx.request.get(`/api/v1/boards/${id}/slots`);
	expect(res.status()).toBe(200);
	return (await res.json()).slots as {
		id: string;
		script: string;
		lockQty: number;
		lotId: string;
	}[];
}

test('two people type into the same slot script at once and both end with the same text', async ({
	browser
}) => {
	const a = await signedIn(browser, HOST);
	const b = await signedIn(browser, ASSISTANT1);
	const id = await newBoard(a, '并发编辑');
	const pa = await openBoard(a, id);
	const pb = await openBoard(b, id);
	await selectSlot(pa, 2);
	await selectSlot(pb, 2);

	// presence: each sees the other on slot #3
	await expect(
		pa.getByTestId('slot-card').nth(2).getByTestId('slot-editors').getByTitle('场控 阿杰 正在编辑')
	).toBeVisible();
	await expect(pb.getByTestId('presence-peer')).toHaveCount(2);

	// Both carets are placed before either types. Were one to start first, the other's caret
	// would land inside the first one's half-typed words and the CRDT would rightly keep the
	// second run there (what a real editor does too), so the words would look interleaved.
	await caretAtEnd(pa);
	await caretAtEnd(pb);
	await Promise.all([
		pa.keyboard.type('【主播：先讲面料】', { delay: 25 }),
		pb.keyboard.type('【场控：提醒上链接】', { delay: 25 })
	]);

	const sa = pa.getByTestId('script');
	const sb = pb.getByTestId('script');
	await expect(sa).toHaveValue(/【主播：先讲面料】/);
	await expect(sa).toHaveValue(/【场控：提醒上链接】/);
	await expect.poll(async () => (await sa.inputValue()) === (await sb.inputValue())).toBe(true);
	await expectSaved(pa);
	await expectSaved(pb);
	const saved = await storedSlots(a, id);
	expect(saved[2]!.script).toBe(await sa.inputValue());
	await a.close();
	await b.close();
});

test('edits made offline survive a reload and merge when the connection is back', async ({
	browser
}) => {
	const a = await signedIn(browser, HOST);
	const b = await signedIn(browser, ASSISTANT1);
	// B's websocket to /collab goes through this switch, so B can reload the page (HTTP works)
	// while the board's sync connection stays down.
	let blockSync = false;
	await b.routeWebSocket(/\/collab\//, (ws) => {
		if (blockSync) ws.close({ code: 1006 });
		else ws.connectToServer();
	});
	const id = await newBoard(a, '离线编辑');
	const pa = await openBoard(a, id);
	const pb = await openBoard(b, id);
	await selectSlot(pa, 1);
	await selectSlot(pb, 1);

	await b.setOffline(true);
	await expect(badge(pb)).toHaveAttribute('data-state', 'offline');
	await expect(badge(pb)).toHaveText('离线');
	await typeAtEnd(pb, '（离线时补充：袖口线头可以剪掉）');
	await typeAtEnd(pa, '（主播在线修改）');
	await expectSaved(pa);

	// B reloads while its sync connection is still down: the offline edit comes from IndexedDB
	blockSync = true;
	await b.setOffline(false);
	await pb.reload();
	await selectSlot(pb, 1);
	await expect(pb.getByTestId('script')).toHaveValue(/（离线时补充：袖口线头可以剪掉）/);
	await expect(badge(pb)).not.toHaveAttribute('data-state', 'saved');
	expect((await storedSlots(a, id))[1]!.script).not.toContain('离线时补充');

	// back online: both edits in both browsers, saved on the server
	blockSync = false;
	await expectSaved(pb, 20_000);
	for (const p of [pa, pb]) {
		await expect(p.getByTestId('script')).toHaveValue(/（离线时补充：袖口线头可以剪掉）/);
		await expect(p.getByTestId('script')).toHaveValue(/（主播在线修改）/);
	}
	await expectSaved(pa);
	const script = (await storedSlots(a, id))[1]!.script;
	expect(script).toContain('离线时补充');
	expect(script).toContain('主播在线修改');
	await a.close();
	await b.close();
});

test('a server restart loses nothing that was shown as saved', async ({ browser }) => {
	const a = await signedIn(browser, HOST);
	const id = await newBoard(a, '重启测试');
	const pa = await openBoard(a, id);
	await selectSlot(pa, 0);
	await typeAtEnd(pa, '重启前写下的话术');
	await pa.getByTestId('lock-qty').fill('345');
	await pa.getByTestId('lock-qty').press('Tab');
	await expectSaved(pa);

	await srv.restart();

	// the open page reconnects by itself and is saved again
	await expectSaved(pa, 30_000);
	// a browser that never saw the board reads it from the database
	const c = await signedIn(browser, ASSISTANT2);
	const pc = await openBoard(c, id);
	await selectSlot(pc, 0);
	await expect(pc.getByTestId('script')).toHaveValue(/重启前写下的话术$/);
	await expect(pc.getByTestId('lock-qty')).toHaveValue('345');
	const first = (await storedSlots(c, id))[0]!;
	expect(first.lockQty).toBe(345);
	expect(first.script).toMatch(/重启前写下的话术$/);
	await a.close();
	await c.close();
});

test('a user from another team is refused: page, API and the sync connection', async ({
	browser
}) => {
	const a = await signedIn(browser, HOST);
	const id = await newBoard(a, '别的团队不能看');
	await a.close();

	const other = await browser.newContext({ baseURL: srv.url, locale: 'zh-CN' });
	const email = `other-host-${Date.now()}@test.lotlive.cn`;
	const signUp = await other.request.post('/api/v1/auth/sign-up', {
		data: {
			email,
			password: 'another team 123',
			displayName: '别家主播',
			orgName: '别家直播间',
			role: 'host'
		}
	});
	expect(signUp.status()).toBeLessThan(300);
	const signInRes = await other.request.post('/api/v1/auth/sign-in', {
		data: { email, password: 'another team 123' }
	});
	expect(signInRes.status()).toBe(200);

	const page = await other.newPage();
	const res = await page.goto(`/console/boards/${id}`);
	expect(res?.status()).toBe(403);
	// the board service's own reason, translated, with its code (the same page for every route)
	await expect(page.getByTestId('error-message')).toHaveText('你没有权限操作这个看板。');
	await expect(page.getByTestId('error-code')).toContainText('forbidden');
	expect((await other.request.get(`/api/v1/boards/${id}`)).status()).toBe(403);
	expect((await other.request.get(`/api/v1/boards/${id}/export.csv`)).status()).toBe(403);
	const list = await (await other.request.get('/api/v1/boards')).json();
	expect(list.boards.map((b: { id: string }) => b.id)).not.toContain(id);

	// the websocket upgrade is refused before any document is opened
	await page.goto('/console');
	const outcome = await page.evaluate(
		(boardId) =>
			new Promise<string>((resolve) => {
				const ws = new WebSocket(`ws://${location.host}/collab/${boardId}`);
				ws.onopen = () => resolve('open');
				ws.onclose = (e) => resolve(`closed ${e.code}`);
			}),
		id
	);
	expect(outcome).toBe('closed 1006');
	await other.close();
});

test('planning tools: add from the catalog, reorder by drag and keyboard, export CSV and print', async ({
	browser
}) => {
	const a = await signedIn(browser, HOST);
	const id = await newBoard(a, '排品工具');
	const page = await openBoard(a, id);
	await page.setViewportSize({ width: 1280, height: 1400 }); // every card on screen for the drag
	const cards = page.getByTestId('slot-card');
	await expect(cards).toHaveCount(5);
	const order = async () =>
		cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-slot-id')));
	const before = await order();

	// "/" focuses the catalog search; Enter adds the first hit after the selected slot
	await selectSlot(page, 0);
	await page.locator('body').press('Escape');
	await page.keyboard.press('/');
	await expect(page.getByLabel('搜索货盘添加排品')).toBeFocused();
	await page.keyboard.type('卫衣');
	await expect(page.locator('#lot-results').getByRole('option').first()).toBeVisible();
	await page.keyboard.press('Enter');
	await expect(cards).toHaveCount(6);
	await expect(page.getByTestId('slot-detail')).toHaveAttribute(
		'data-slot-id',
		(await cards.nth(1).getAttribute('data-slot-id'))!
	);

	// keyboard: Alt+↓ moves the selected slot down one place
	const added = (await order())[1]!;
	await page.getByTestId('slot-card').nth(1).getByTestId('slot-select').focus();
	await page.keyboard.press('Alt+ArrowDown');
	await expect.poll(async () => (await order())[2]).toBe(added);

	// drag the last slot to the top by its handle
	const last = before[4]!;
	const handle = cards.nth(5).getByRole('button', { name: '拖动调整顺序' });
	await handle.hover();
	const target = await cards.nth(0).boundingBox();
	await page.mouse.down();
	await page.mouse.move(target!.x + 20, target!.y + 5, { steps: 8 });
	await expect(cards.nth(0)).toHaveClass(/drop-before/);
	await page.mouse.up();
	await expect.poll(async () => (await order())[0]).toBe(last);
	await expectSaved(page);

	// the stored order is the one on screen
	const stored = await storedSlots(a, id);
	expect(stored.map((s) => s.id)).toEqual(await order());

	// live stock is shown on every card
	await expect(cards.first().getByTestId('slot-available')).toHaveAttribute(
		'data-available',
		/\d+/
	);

	// CSV in Chinese with every slot, and the printable page
	const csv = await a.request.get(`/api/v1/boards/${id}/export.csv`);
	expect(csv.status()).toBe(200);
	expect(csv.headers()['content-type']).toContain('text/csv');
	const text = await csv.text();
	expect(text.startsWith('\ufeff序号,上播时间,货品')).toBe(true);
	expect(text.trim().split('\r\n').length).toBeGreaterThanOrEqual(7);
	const print = await a.newPage();
	await print.goto(`/console/boards/${id}/print`);
	await expect(print.getByTestId('print-title')).toHaveText('排品工具');
	await expect(print.getByTestId('run-of-show').locator('tr.main')).toHaveCount(6);

	// the shortcuts are documented in the UI
	await page.locator('body').click({ position: { x: 5, y: 5 } });
	await page.keyboard.press('?');
	await expect(page.getByRole('dialog', { name: '键盘快捷键' })).toBeVisible();
	await a.close();
});

test('board list: create from a template, rename, duplicate, save as template, archive', async ({
	browser
}) => {
	const a = await signedIn(browser, ASSISTANT1);
	const page = await a.newPage();
	await page.goto('/console');
	await page.getByRole('link', { name: /排品看板/ }).click();
	await expect(page.getByTestId('page-title')).toHaveText('排品看板');

	const name = `列表测试 ${Date.now()}`;
	await page.getByLabel('看板名称').fill(name);
	await page.getByLabel('模板').selectOption({ label: '标准开场模板' });
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page).toHaveURL(/\/console\/boards\/[0-9a-f-]{36}$/);
	await expect(page.getByTestId('board-name')).toHaveText(name);
	await expect(page.getByTestId('slot-card')).toHaveCount(1);
	await expectSaved(page);

	await page.goto('/console/boards');
	const row = (n: string) =>
		page.getByTestId('board-row').filter({ has: page.getByRole('link', { name: n, exact: true }) });
	await row(name).getByRole('button', { name: '重命名' }).click();
	const renameForm = page.getByTestId('board-row').locator('form.rename');
	await renameForm.getByLabel('看板名称').fill(`${name} 改`);
	await renameForm.getByRole('button', { name: '保存' }).click();
	await expect(row(`${name} 改`)).toHaveCount(1);

	await row(`${name} 改`).getByRole('button', { name: '复制' }).click();
	await expect(page.getByTestId('board-notice')).toHaveText(`已复制为「${name} 改 副本」`);
	await expect(row(`${name} 改 副本`)).toHaveCount(1);
	await row(`${name} 改`).getByRole('button', { name: '存为模板' }).click();
	await expect(page.getByTestId('board-notice')).toHaveText(`已存为模板「${name} 改（模板）」`);
	await page.getByRole('link', { name: '模板', exact: true }).click();
	await expect(row(`${name} 改（模板）`)).toHaveCount(1);

	await page.getByRole('link', { name: '进行中' }).click();
	await row(`${name} 改 副本`).getByRole('button', { name: '归档' }).click();
	await expect(row(`${name} 改 副本`)).toHaveCount(0);
	await page.getByRole('link', { name: '已归档' }).click();
	await row(`${name} 改 副本`).getByRole('link').click();
	await expect(badge(page)).toHaveAttribute('data-state', 'readonly');
	await expect(page.getByText('此看板已归档，只能查看。')).toBeVisible();
	await expect(page.getByTestId('script')).toHaveAttribute('readonly', '');
	await a.close();
});
