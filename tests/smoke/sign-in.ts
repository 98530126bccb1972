// CI smoke test of `npm start` as the README runs it (no ORIGIN): a real Chromium signs the demo
// host in through the sign-in form at each base URL given, and must reach the console. Run by
// .ci/run against http://localhost:PORT and http://127.0.0.1:PORT.
//   tsx tests/smoke/sign-in.ts http://localhost:3000 http://127.0.0.1:3000
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const bases = process.argv.slice(2);
if (bases.length === 0) {
	console.error('usage: tsx tests/smoke/sign-in.ts <base URL>…');
	process.exit(2);
}

const executablePath =
	process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const browser = await chromium.launch({
	executablePath,
	args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']
});
let failed = false;
try {
	for (const base of bases) {
		const context = await browser.newContext({ locale: 'zh-CN', baseURL: base });
		const page = await context.newPage();
		const refused: string[] = [];
		page.on('response', (r) => {
			if (r.status() === 403) refused.push(`${r.request().method()} ${r.url()}`);
		});
		try {
			await page.goto('/sign-in');
			await page.waitForLoadState('networkidle');
			await page.getByLabel('邮箱').fill('host@demo.lotlive.cn');
			await page.getByLabel('密码').fill('demo1234');
			await page.getByRole('button', { name: '登录' }).click();
			await page.waitForURL(/\/console(\/|$)/, { timeout: 20_000 });
			await page.getByTestId('who').waitFor({ timeout: 10_000 });
			console.log(`smoke: signed in at ${base}, reached ${new URL(page.url()).pathname}`);
		} catch (e) {
			failed = true;
			const text = await page
				.locator('body')
				.innerText()
				.catch(() => '');
			console.error(`smoke: sign-in at ${base} failed: ${String(e)}`);
			console.error(`  page ${page.url()}: ${text.slice(0, 300).replace(/\s+/g, ' ')}`);
			if (refused.length) console.error(`  refused: ${refused.join(', ')}`);
		} finally {
			await context.close();
		}
	}
} finally {
	await browser.close();
}
process.exit(failed ? 1 : 0);
