import { expect, test, type Page } from '@playwright/test';
import { submitSignIn } from './sign-in';

async function signIn(page: Page, email: string) {
	await submitSignIn(page, email);
	await expect(page.getByTestId('page-title')).toBeVisible();
}

async function openPolicy(page: Page) {
	await page.getByTestId('nav-policy').click();
	await expect(page.getByTestId('page-title')).toHaveText('平台规则');
	await page.waitForLoadState('networkidle');
}

test('the operator shortens the lock expiry, sees it in force and in the history, then restores it', async ({
	page
}) => {
	await signIn(page, 'ops@demo.lotlive.cn');
	await openPolicy(page);
	const ttl = page.getByLabel('锁定有效期');
	await expect(ttl).toHaveValue('240');
	await ttl.fill('90');
	await page.getByLabel('修改原因').fill('大促期间加快释放');
	await page.getByRole('button', { name: '保存为新版本' }).click();
	await expect(page.getByRole('status')).toContainText('已保存第');
	await expect(ttl).toHaveValue('90');
	const row = page.getByTestId('policy-history-row').first();
	await expect(row).toContainText('锁定有效期: 240 分钟 → 90 分钟');
	await expect(row).toContainText('大促期间加快释放');
	await expect(row).toContainText('平台运营');

	// A fresh load reads the version from the server, not the form's state.
	await page.reload();
	await expect(page.getByLabel('锁定有效期')).toHaveValue('90');

	// Leave the shared e2e server as the other specs expect it.
	await page.getByLabel('锁定有效期').fill('240');
	await page.getByLabel('修改原因').fill('恢复默认');
	await page.getByRole('button', { name: '保存为新版本' }).click();
	await expect(page.getByRole('status')).toContainText('已保存第');
	await expect(page.getByTestId('policy-history-row')).toHaveCount(2);
});

test('an invalid value shows its error beside the field and saves nothing', async ({ page }) => {
	await signIn(page, 'ops@demo.lotlive.cn');
	await openPolicy(page);
	const rows = await page.getByTestId('policy-history-row').count();
	const ttl = page.getByLabel('锁定有效期');
	await ttl.fill('0');
	await page.getByLabel('修改原因').fill('试试看');
	await page.getByRole('button', { name: '保存为新版本' }).click();
	await expect(ttl).toHaveAttribute('aria-invalid', 'true');
	await expect(page.locator('#p-live-lockTtlMinutes-err')).toBeVisible();
	// overlapping bands: B's maximum into A's band
	await ttl.fill('240');
	await page.getByLabel('B 级最高').fill('17');
	await page.getByRole('button', { name: '保存为新版本' }).click();
	await expect(page.locator('#p-pricing-bands-B-maxBp-err')).toHaveText(
		'A 级与 B 级的价格区间重叠。'
	);
	await page.getByLabel('平台服务费').fill('3.333');
	await page.getByRole('button', { name: '保存为新版本' }).click();
	await expect(page.locator('#p-money-platformFeeBp-err')).toHaveText(
		'请输入 0–100 之间的百分比，最多两位小数。'
	);
	await page.reload();
	await expect(page.getByTestId('policy-history-row')).toHaveCount(rows);
	await expect(page.getByLabel('B 级最高')).toHaveValue('15');
});

test('a host may not open the policy page (403) nor sees it in the menu', async ({ page }) => {
	await signIn(page, 'host@demo.lotlive.cn');
	await expect(page.getByTestId('nav-policy')).toHaveCount(0);
	const res = await page.goto('/admin/policy');
	expect(res?.status()).toBe(403);
});
