import { expect, test, type Page } from '@playwright/test';
import { submitSignIn } from './sign-in';

async function signIn(page: Page, email: string) {
	await submitSignIn(page, email);
	await expect(page).toHaveURL(/\/console$/);
}

test('a show starts from the demo board; an assistant locks from the keyboard and a second assistant sees the counters live; ending releases', async ({
	browser,
	baseURL
}) => {
	const host = await browser.newContext({ baseURL });
	await host.addCookies([{ name: 'lotlive_locale', value: 'zh-CN', url: baseURL! }]);
	const hostPage = await host.newPage();
	await signIn(hostPage, 'host@demo.lotlive.cn');
	await hostPage.goto('/console/boards');
	await hostPage
		.getByRole('link', { name: /清仓专场/ })
		.first()
		.click();
	await hostPage.getByTestId('start-show').click();
	await expect(hostPage).toHaveURL(/\/console\/shows\/[0-9a-f-]{36}$/);
	await expect(hostPage.getByTestId('page-title')).toContainText('清仓专场');
	const showUrl = hostPage.url();
	await expect(hostPage.getByTestId('slot')).toHaveCount(5);

	const watcher = await browser.newContext({ baseURL });
	await watcher.addCookies([{ name: 'lotlive_locale', value: 'zh-CN', url: baseURL! }]);
	const watchPage = await watcher.newPage();
	await signIn(watchPage, 'assistant2@demo.lotlive.cn');
	await watchPage.goto(showUrl);
	await expect(watchPage.getByTestId('connection')).toHaveText('实时已连接');
	await expect(hostPage.getByTestId('connection')).toHaveText('实时已连接');

	// keyboard only: go live is a button; the rest by keys on the first slot
	await hostPage.getByTestId('go-live').click();
	await expect(watchPage.getByTestId('show-status')).toHaveText('直播中');
	const first = (p: Page) => p.getByTestId('slot').first();
	await expect(first(hostPage).getByTestId('locked-in-show')).toHaveText('0');
	await hostPage.locator('body').press('1'); // +10
	await expect(first(hostPage).getByTestId('locked-in-show')).toHaveText('10');
	await expect(first(watchPage).getByTestId('locked-in-show')).toHaveText('10');
	await hostPage.locator('body').press('5'); // +50
	await expect(first(watchPage).getByTestId('locked-in-show')).toHaveText('60');
	await hostPage.locator('body').press('Enter'); // on air
	await expect(first(watchPage)).toHaveAttribute('aria-current', 'true');

	// custom quantity beyond what is free → a clear refusal naming what is left
	const available = Number(await first(hostPage).getByTestId('available').textContent());
	await hostPage.locator('body').press('c');
	await hostPage.getByTestId('custom-qty').fill(String(available + 1));
	await hostPage.getByTestId('custom-qty').press('Enter');
	await expect(hostPage.getByTestId('notice')).toContainText(`仅剩 ${available} 件可锁`);

	// move to the second slot with the arrow key and lock there
	await hostPage.locator('body').press('Escape');
	await hostPage.locator('body').press('ArrowDown');
	await hostPage.locator('body').press('1');
	await expect(watchPage.getByTestId('slot').nth(1).getByTestId('locked-in-show')).toHaveText('10');

	// ending the show releases every lock
	hostPage.once('dialog', (d) => void d.accept());
	await hostPage.getByTestId('end-show').click();
	await expect(watchPage.getByTestId('show-status')).toHaveText('已结束');
	await expect(first(watchPage).getByTestId('locked-in-show')).toHaveText('0');
	await expect(watchPage.getByTestId('slot').nth(1).getByTestId('locked-in-show')).toHaveText('0');
	await host.close();
	await watcher.close();
});
