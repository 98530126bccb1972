import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_POLICY } from '../../src/lib/domain/policy';
import { wilsonLowerBoundBp } from '../../src/lib/domain/repurchase';
import { submitSignIn } from './sign-in';

async function signIn(page: Page, email: string) {
	await submitSignIn(page, email);
	await expect(page.getByTestId('page-title')).toBeVisible();
}

const Z = DEFAULT_POLICY.catalog.repurchaseConfidenceZ;

test('the repurchase sort ranks by confidence and shows how many buyers stand behind each rate', async ({
	page,
	context,
	baseURL
}) => {
	await signIn(page, 'buyer1@demo.lotlive.cn');
	await page.goto('/catalog?sort=repurchase');
	const cards = page.getByTestId('lot-card');
	await expect(cards.first()).toBeVisible();
	const n = await cards.count();
	expect(n).toBeGreaterThan(10);
	const figures: { pct: number; buyers: number; rank: number }[] = [];
	for (let i = 0; i < n; i++) {
		const rep = cards.nth(i).getByTestId('repurchase');
		if ((await rep.count()) === 0) {
			figures.push({ pct: 0, buyers: 0, rank: 0 });
			continue;
		}
		const text = (await rep.textContent())!.trim();
		const m = text.match(/^回头率 ([\d.]+)% · (\d+) 位买家$/);
		expect(m, text).not.toBeNull();
		const pct = Number(m![1]);
		const buyers = Number(m![2]);
		const repeat = Math.round((pct / 100) * buyers);
		figures.push({ pct, buyers, rank: wilsonLowerBoundBp(repeat, buyers, Z) });
	}
	// the first lots have buyers, and the order follows the confidence-adjusted rate
	expect(figures[0]!.buyers).toBeGreaterThan(0);
	for (let i = 1; i < n; i++) {
		expect(figures[i]!.rank, JSON.stringify(figures.slice(0, i + 1))).toBeLessThanOrEqual(
			figures[i - 1]!.rank
		);
	}
	// a rate of many buyers ranks above a higher rate of a handful
	const beaten = figures.findIndex(
		(f, i) => f.pct === 100 && figures.slice(0, i).some((g) => g.pct < 100 && g.buyers > f.buyers)
	);
	expect(beaten, JSON.stringify(figures)).toBeGreaterThan(0);

	// the lot page shows the same count beside the rate
	const first = cards.first();
	const cardText = (await first.getByTestId('repurchase').textContent())!.trim();
	const title = (await first.getByRole('heading').textContent())!.trim();
	await first.getByRole('link', { name: title }).click();
	await expect(page.getByTestId('lot-title')).toHaveText(title);
	await expect(page.getByTestId('repurchase')).toHaveText(cardText);

	// and in English
	await context.addCookies([{ name: 'lotlive_locale', value: 'en', url: baseURL! }]);
	await page.goto('/catalog?sort=repurchase');
	await expect(page.getByTestId('lot-card').first().getByTestId('repurchase')).toHaveText(
		/^[\d.]+% repurchase · \d+ buyer\(s\)$/
	);
});

test('demo lots’ size breakdowns add up to their stock on hand', async ({ page }) => {
	await signIn(page, 'buyer1@demo.lotlive.cn');
	await page.goto('/catalog?sort=newest');
	const cards = page.getByTestId('lot-card');
	await expect(cards.first()).toBeVisible();
	const hrefs: string[] = [];
	for (let i = 0; i < 3; i++) {
		hrefs.push((await cards.nth(i).getByRole('heading').getByRole('link').getAttribute('href'))!);
	}
	for (const href of hrefs) {
		await page.goto(href);
		const detail = (await page.getByTestId('stock-detail').textContent())!;
		const onHand = Number(detail.match(/在库 (\d+)/)![1]);
		const pieces = (
			await page.getByTestId('sizes').locator('tbody tr td:nth-child(2)').allTextContents()
		).map(Number);
		expect(pieces.length, href).toBeGreaterThan(0);
		expect(
			pieces.reduce((a, b) => a + b, 0),
			href
		).toBe(onHand);
	}
});

test('supplier names carry no status: the pending one shows it as a badge', async ({ page }) => {
	await signIn(page, 'ops@demo.lotlive.cn');
	await page.goto('/admin');
	const rows = page.getByTestId('supplier-row');
	await expect(rows.first()).toBeVisible();
	const names = (await rows.locator('td:first-child').allTextContents()).map((s) => s.trim());
	expect(names.length).toBeGreaterThanOrEqual(5);
	for (const name of names) expect(name).not.toMatch(/待审核|已审核|[（(]/);
	const pending = rows.filter({ hasText: '深圳新潮服饰' });
	await expect(pending.locator('.badge')).toHaveText('待审核');
});
