// Disputes between the parties (issue 20) in Chromium, on a server this spec starts itself (its
// own demo-seeded database, so the demo order it disputes is no other spec's): the buyer files a
// dispute on one line of an arrived order from the order page with a photo (a loss over 100% is
// refused first, at its field), writes a message; the supplier finds it from its order page,
// sees the message and counter-offers; the buyer sees the counter-offer arrive live and accepts
// it; both see the outcome (refund + release = frozen) without reloading.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { startOwnServer } from './own-server';
import { submitSignIn } from './sign-in';

const PORT = Number(process.env.E2E_DISPUTES_PORT ?? Number(process.env.E2E_PORT ?? 4173) + 1100);
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
	'base64'
);

let srv: Awaited<ReturnType<typeof startOwnServer>>;
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
	test.setTimeout(180_000);
	srv = await startOwnServer(PORT, 'e2e_disputes');
});
test.afterAll(async () => {
	await srv?.stop();
});

async function signedIn(browser: Browser, email: string, home: RegExp) {
	const context = await browser.newContext({ baseURL: srv.url });
	await context.addCookies([{ name: 'lotlive_locale', value: 'zh-CN', url: srv.url }]);
	const page = await context.newPage();
	await submitSignIn(page, email);
	await expect(page).toHaveURL(home);
	return { page, close: () => context.close() };
}

const yuan = (text: string | null) => Number((text ?? '').replace(/[^\d.]/g, ''));

test('buyer disputes a line with a photo, the supplier counter-offers, the buyer accepts it live', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const buyer = await signedIn(browser, 'buyer1@demo.lotlive.cn', /\/catalog/);
	const b: Page = buyer.page;

	// The demo order of buyer1 that has arrived: its inspection window is open.
	const list = await b.request.get('/api/v1/trade/orders?state=arrived');
	expect(list.ok()).toBe(true);
	const order = ((await list.json()) as { orders: { id: string; number: number }[] }).orders[0]!;
	expect(order).toBeTruthy();
	await b.goto(`/buyer/orders/${order.id}`);
	await expect(b.getByTestId('order')).toHaveAttribute('data-state', 'arrived');
	const fileForm = b.getByTestId('dispute-file');
	await fileForm.getByText('发起纠纷').first().click();

	// A loss over 100% comes back at its field, the rest of the form as typed.
	const row = fileForm.getByTestId('dispute-line').first();
	await row.getByTestId('dispute-qty').fill('2');
	await row.getByTestId('dispute-problem').selectOption('damaged');
	await row.getByTestId('dispute-loss').fill('150');
	await fileForm.getByTestId('dispute-description').fill('外箱压坏，两件破损');
	await fileForm.getByTestId('dispute-submit').click();
	await expect(row.getByTestId('dispute-loss')).toHaveAttribute('aria-invalid', 'true');
	await expect(row.getByRole('alert')).toBeVisible();
	await expect(b).toHaveURL(new RegExp(`/buyer/orders/${order.id}$`));
	await expect(row.getByTestId('dispute-qty')).toHaveValue('2');

	// Now 50%, with a photo through the resumable uploader.
	await row.getByTestId('dispute-loss').fill('50');
	await fileForm
		.getByTestId('evidence-input')
		.setInputFiles({ name: '破损.png', mimeType: 'image/png', buffer: PNG });
	await expect(
		fileForm.locator('[data-testid="evidence-picked"] li[data-done="true"]')
	).toHaveCount(1);
	await fileForm.getByTestId('dispute-submit').click();
	await expect(b).toHaveURL(/\/buyer\/disputes\/[0-9a-f-]{36}$/);
	const disputeId = b.url().split('/').pop()!;
	await expect(b.getByTestId('dispute')).toHaveAttribute('data-state', 'awaiting_answer');
	await expect(b.getByTestId('dispute-state')).toHaveText('待供应商答复');
	await expect(b.getByTestId('dispute-timer')).toContainText('供应商答复剩余');
	await expect(b.getByTestId('dispute-lines').locator('tbody tr')).toHaveCount(1);
	await expect(b.getByTestId('evidence-list').locator('img')).toHaveCount(1);
	const photo = await b.request.get(
		(await b.getByTestId('evidence-list').locator('img').getAttribute('src'))!
	);
	expect(photo.status()).toBe(200);
	expect(photo.headers()['content-type']).toBe('image/png');

	// A message in the dispute's conversation.
	const conv = b.getByTestId('conversation');
	await conv.locator('textarea').fill('请看照片，两件外箱压坏。');
	await conv.getByRole('button', { name: '发送' }).click();
	await expect(conv.getByTestId('messages')).toContainText('请看照片，两件外箱压坏。');

	// The order's supplier (the demo buyer1 orders from supplier1 and supplier3).
	let supplier: Awaited<ReturnType<typeof signedIn>> | null = null;
	for (const email of ['supplier1@demo.lotlive.cn', 'supplier3@demo.lotlive.cn']) {
		const s = await signedIn(browser, email, /\/supplier/);
		if ((await s.page.request.get(`/api/v1/trade/disputes/${disputeId}`)).status() === 200) {
			supplier = s;
			break;
		}
		// The other supplier does not learn the dispute exists.
		expect((await s.page.request.get(`/api/v1/trade/disputes/${disputeId}`)).status()).toBe(404);
		await s.page.goto(`/supplier/disputes/${disputeId}`);
		await expect(s.page.getByTestId('error-message')).toBeVisible();
		await s.close();
	}
	expect(supplier).not.toBeNull();
	const s = supplier!.page;
	await s.goto(`/supplier/trade/${order.id}`);
	await s.getByTestId('order-dispute').click();
	await expect(s).toHaveURL(new RegExp(`/supplier/disputes/${disputeId}$`));
	await expect(s.getByTestId('conversation').getByTestId('messages')).toContainText(
		'请看照片，两件外箱压坏。'
	);
	await expect(s.getByTestId('evidence-list').locator('img')).toHaveCount(1);

	// The supplier counter-offers ¥1.00; the buyer's page shows it without a reload.
	await s.getByTestId('counter-refund').fill('1.00');
	await s.getByTestId('answer-counter').click();
	await expect(s.getByTestId('dispute-state')).toHaveText('供应商已还价');
	await expect(b.getByTestId('dispute-state')).toHaveText('供应商已还价');
	await expect(b.getByTestId('dispute-counter')).toContainText('1.00');
	await expect(b.getByTestId('dispute-timer')).toContainText('采购商回应剩余');

	// The buyer accepts; both see the outcome live: ¥1.00 back, the rest of the frozen released.
	await b.getByTestId('accept-counter').click();
	for (const p of [b, s]) {
		const outcome = p.getByTestId('dispute-outcome');
		await expect(outcome).toBeVisible();
		await expect(outcome).toHaveAttribute('data-kind', 'partial_refund');
		await expect(p.getByTestId('dispute-state')).toHaveText('已结案');
		await expect(outcome.getByTestId('outcome-refund')).toContainText('1.00');
	}
	const frozen = yuan(
		await b.locator('[data-testid="dispute-lines"] tbody td').nth(4).textContent()
	);
	const released = yuan(await b.getByTestId('outcome-release').textContent());
	expect(released + 1).toBeCloseTo(frozen, 2);
	// No more steps once closed; the lists show it closed.
	await expect(b.getByTestId('dispute-steps')).toHaveCount(0);
	await b.goto('/buyer/disputes');
	await expect(b.locator(`[data-testid="disputes"] tr[data-state="closed"]`)).toHaveCount(1);
	await b.goto(`/buyer/orders/${order.id}`);
	await expect(b.getByTestId('order')).toHaveAttribute('data-state', 'resolved');
	await expect(b.getByTestId('order-dispute')).toBeVisible();

	await supplier!.close();
	await buyer.close();
});
