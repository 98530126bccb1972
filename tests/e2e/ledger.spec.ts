import { expect, test, type Page } from '@playwright/test';
import { submitSignIn } from './sign-in';

async function signIn(page: Page, email: string) {
	await submitSignIn(page, email);
	await expect(page.getByTestId('page-title')).toBeVisible();
}

test('the operator pays out the host team’s balance and marks it paid with a reference', async ({
	page
}) => {
	await signIn(page, 'ops@demo.lotlive.cn');
	await page.getByRole('link', { name: '平台收入与打款' }).click();
	await expect(page.getByTestId('page-title')).toHaveText('平台收入与打款');
	await expect(page.getByTestId('revenue')).toHaveText(/¥[1-9]/);
	// Wholesale orders' escrow (the demo buyers' trade orders): held for some, released for others.
	const trade = page.getByTestId('trade-escrow');
	await expect(trade.getByRole('heading', { name: '批发订单担保款' })).toBeVisible();
	await expect(trade.getByTestId('trade-held')).toHaveText(/¥[1-9]/);
	await expect(trade.getByTestId('trade-released')).toHaveText(/¥[1-9]/);
	expect(await trade.getByTestId('trade-escrow-row').count()).toBeGreaterThan(10);
	const team = page.getByTestId('party-row').filter({ hasText: '小鹿直播间' });
	await expect(team).toBeVisible();
	await team.getByRole('button', { name: '发起打款' }).click();
	const pending = page.getByTestId('pending-payout').filter({ hasText: '小鹿直播间' });
	await expect(pending).toBeVisible();
	await pending.getByLabel('打款流水号').fill('ICBC-E2E-0001');
	await pending.getByRole('button', { name: '标记已打款' }).click();
	await expect(page.getByRole('status')).toHaveText('已标记打款');
	const paid = page.getByTestId('payout-row').filter({ hasText: 'ICBC-E2E-0001' });
	await expect(paid).toContainText('已打款');
	await expect(paid).toContainText('小鹿直播间');
	// Everything owed to the team is paid out now: no payout button left on its row.
	await expect(team.getByRole('button', { name: '发起打款' })).toHaveCount(0);
});

test('the host sees earnings and downloads the month’s statement; a supplier may not see revenue', async ({
	page
}) => {
	await signIn(page, 'host@demo.lotlive.cn');
	await page.getByRole('link', { name: '我的收益' }).click();
	await expect(page.getByTestId('page-title')).toHaveText('收益');
	await expect(page.getByTestId('pending')).toHaveText(/¥[1-9]/);
	await expect(page.getByRole('img', { name: /近30天每日佣金/ })).toBeVisible();
	await expect(page.getByTestId('statement')).toBeVisible();
	const csv = await page.getByRole('link', { name: '下载 CSV' }).getAttribute('href');
	const res = await page.request.get(csv!);
	expect(res.status()).toBe(200);
	expect(await res.text()).toContain('期末余额');

	await page.context().clearCookies();
	await signIn(page, 'supplier1@demo.lotlive.cn');
	await page.getByRole('link', { name: '应收账款' }).click();
	await expect(page.getByTestId('page-title')).toHaveText('应收账款');
	const trade = page.getByTestId('trade-escrow');
	await expect(trade.getByTestId('trade-held')).toHaveText(/¥[1-9]/);
	expect(await trade.getByTestId('trade-escrow-row').count()).toBeGreaterThan(2);
	const api = await page.request.get('/api/v1/ledger/revenue');
	expect(api.status()).toBe(403);
	expect((await api.json()).error.code).toBe('forbidden');
});
