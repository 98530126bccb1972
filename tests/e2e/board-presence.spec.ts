// Presence on a run-of-show board: after going offline and back and reloading, each person is
// listed once — in their own bar and in everyone else's.
import { expect, test, type Page } from '@playwright/test';
import { ASSISTANT1, HOST, copyDemoBoard, signedInContext } from './helpers-team';

// generous: the e2e host is shared and often loaded; the live assertions keep their own limits
test.setTimeout(150_000);

const badge = (page: Page) => page.getByTestId('sync-badge');
async function expectSaved(page: Page) {
	await expect(badge(page)).toHaveAttribute('data-state', 'saved', { timeout: 30_000 });
}

test('offline, back, reload: the presence bar lists each person once', async ({
	browser,
	baseURL
}) => {
	const a = await signedInContext(browser, baseURL!, HOST);
	const b = await signedInContext(browser, baseURL!, ASSISTANT1);
	const id = await copyDemoBoard(a, '在线成员');
	const pa = await a.newPage();
	const pb = await b.newPage();
	await pa.goto(`/console/boards/${id}`);
	await pb.goto(`/console/boards/${id}`);
	await expectSaved(pa);
	await expectSaved(pb);
	const peers = (p: Page) => p.getByTestId('presence-peer');
	await expect(peers(pa)).toHaveCount(2);
	await expect(peers(pb)).toHaveCount(2);
	const assistantId = await pb.getByTestId('presence-peer').first().getAttribute('data-user');
	expect(assistantId).toBeTruthy();

	await b.setOffline(true);
	await expect(badge(pb)).toHaveAttribute('data-state', 'offline');
	await pb.waitForTimeout(500);
	await b.setOffline(false);
	await expectSaved(pb);
	await pb.reload();
	await expectSaved(pb);

	for (const p of [pa, pb]) {
		await expect(peers(p)).toHaveCount(2);
		await expect(
			p.locator(`[data-testid="presence-peer"][data-user="${assistantId}"]`)
		).toHaveCount(1);
	}
	// and it stays that way (a late entry from the page before the reload would show up now)
	await pa.waitForTimeout(2500);
	for (const p of [pa, pb]) {
		await expect(peers(p)).toHaveCount(2);
		await expect(
			p.locator(`[data-testid="presence-peer"][data-user="${assistantId}"]`)
		).toHaveCount(1);
	}
	await a.close();
	await b.close();
});
