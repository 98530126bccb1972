import { expect, type Browser, type BrowserContext } from '@playwright/test';

export const HOST = 'host@demo.lotlive.cn';
export const ASSISTANT1 = 'assistant1@demo.lotlive.cn';
export const ASSISTANT2 = 'assistant2@demo.lotlive.cn';
export const OPERATOR = 'ops@demo.lotlive.cn';

/** A browser context signed in (through the API) as a demo account, in Chinese. */
export async function signedInContext(
	browser: Browser,
	baseURL: string,
	email: string
): Promise<BrowserContext> {
	const ctx = await browser.newContext({ baseURL, locale: 'zh-CN' });
	await ctx.addCookies([{ name: 'lotlive_locale', value: 'zh-CN', url: baseURL }]);
	const res = await ctx.request.post('/api/v1/auth/sign-in', {
		data: { email, password: 'demo1234' }
	});
	expect(res.status()).toBe(200);
	return ctx;
}

/** A fresh copy of the demo board (five slots with scripts and checklists); its id. */
export async function copyDemoBoard(ctx: BrowserContext, name: string): Promise<string> {
	const list = await (await ctx.request.get('/api/v1/boards')).json();
	const demo = list.boards.find((b: { name: string }) => b.name === '周五晚 8 点 · 清仓专场');
	expect(demo).toBeTruthy();
	const res = await ctx.request.post(`/api/v1/boards/${demo.id}/duplicate`, { data: { name } });
	expect(res.status()).toBe(201);
	return (await res.json()).id;
}

/** Starts a show from a board (live-from-board); its id. */
export async function showFromBoard(ctx: BrowserContext, boardId: string): Promise<string> {
	const res = await ctx.request.post('/api/v1/shows', { data: { boardId } });
	expect(res.status()).toBe(201);
	return (await res.json()).id;
}
