import type { Page } from '@playwright/test';

/**
 * Signs a demo account in through the form. Hydration resets the form's inputs, so they are
 * filled only once the page's scripts have settled. Callers check where it lands.
 */
export async function submitSignIn(page: Page, email: string, password = 'demo1234') {
	await page.goto('/sign-in');
	await page.waitForLoadState('networkidle');
	await page.getByLabel('邮箱').fill(email);
	await page.getByLabel('密码').fill(password);
	await page.getByRole('button', { name: '登录' }).click();
}
