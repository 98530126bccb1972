// The severe-defect rule end to end (issue 20, docs/TRADE.md "Replacements"): a buyer checks out
// and pays, the supplier ships, the buyer records 3 severe pieces in the inspection (through the
// API, as the phone page would), and a replacement is due in 24 h. The supplier sees the 补发/换货
// form with its deadline, is refused a tracking number no carrier issues (at the field), ships it;
// the buyer's order page, open meanwhile, hears the change and shows the replacement parcel.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { submitSignIn } from './sign-in';

async function signedIn(browser: Browser, email: string, home: RegExp) {
	const context = await browser.newContext();
	await context.addCookies([
		{ name: 'lotlive_locale', value: 'zh-CN', url: test.info().project.use.baseURL! }
	]);
	const page = await context.newPage();
	await submitSignIn(page, email);
	await expect(page).toHaveURL(home);
	return { page, close: () => context.close() };
}

interface LotRow {
	id: string;
	status: string;
	visible: boolean;
	moq: number;
	available: number;
}

/** A lot of the signed-in supplier that a buyer can order a few MOQs of. */
async function buyableLot(supplier: Page): Promise<LotRow> {
	let cursor: string | null = null;
	for (let i = 0; i < 20; i++) {
		const res = await supplier.request.get(
			`/api/v1/lots?mine=1&sort=newest${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
		);
		expect(res.ok()).toBe(true);
		const body = (await res.json()) as { items: LotRow[]; nextCursor: string | null };
		const lot = body.items.find(
			(l) =>
				l.status === 'active' &&
				l.visible &&
				l.moq >= 50 &&
				l.moq <= 300 &&
				l.available >= l.moq * 3
		);
		if (lot) return lot;
		cursor = body.nextCursor;
		if (!cursor) break;
	}
	throw new Error('the demo supplier has no lot a buyer can order');
}

test('3 severe pieces: the supplier ships the replacement by its deadline; the buyer sees it live', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(180_000);
	const supplier = await signedIn(browser, 'supplier3@demo.lotlive.cn', /\/supplier$/);
	const lot = await buyableLot(supplier.page);
	const buyer = await signedIn(browser, 'buyer1@demo.lotlive.cn', /\/catalog$/);
	const b = buyer.page;
	const post = async (page: Page, path: string, data?: unknown) => {
		const res = await page.request.post(path, {
			headers: { origin: baseURL! },
			...(data === undefined ? {} : { data })
		});
		expect(res.ok(), `${path}: ${res.status()} ${await res.text()}`).toBe(true);
		return (await res.json()) as unknown;
	};

	// Cart and checkout through the pages, paid with the test provider.
	await b.goto(`/catalog/lots/${lot.id}`);
	await b.getByTestId('add-to-cart').getByTestId('add-submit').click();
	await expect(b.getByTestId('add-to-cart').getByTestId('add-done')).toBeVisible();
	await b.goto('/buyer/cart?dest=广东省');
	await b.getByTestId('go-checkout').click();
	await b.getByLabel('姓名', { exact: true }).fill('陈老板');
	await b.getByLabel('电话', { exact: true }).fill('13800138000');
	await b.getByLabel('省', { exact: true }).selectOption('广东省');
	await b.getByLabel('市', { exact: true }).fill('广州市');
	await b.getByLabel('详细地址', { exact: true }).fill('站西路 1 号');
	await b.getByTestId('provider-test').check();
	await b.getByTestId('place-order').click();
	await expect(b).toHaveURL(/\/buyer\/orders\?checkout=/);
	const row = b.locator('[data-testid="order-row"].fresh').first();
	const orderId = (await row.getAttribute('data-id'))!;
	await b.goto(`/buyer/orders/${orderId}`);
	await b.getByTestId('pay-test').click();
	await expect(b.getByTestId('order')).toHaveAttribute('data-state', 'paid');

	// The supplier accepts and ships; the buyer confirms arrival and records 3 severe pieces.
	const stamp = String(Date.now()).slice(-9);
	await post(supplier.page, `/api/v1/trade/orders/${orderId}/accept`);
	await post(supplier.page, `/api/v1/trade/orders/${orderId}/ship`, {
		parcels: [{ carrier: 'SF', trackingNo: `SF${stamp}01`, cartons: 1 }]
	});
	await post(b, `/api/v1/trade/orders/${orderId}/arrive`);
	const started = (await post(b, `/api/v1/trade/orders/${orderId}/inspection`)) as {
		inspection: { lines: { lineId: string; pieces: { piece: number }[] }[] };
	};
	const line = started.inspection.lines[0]!;
	const recorded = (await post(b, `/api/v1/trade/orders/${orderId}/inspection`, {
		items: line.pieces
			.slice(0, 3)
			.map((p) => ({ lineId: line.lineId, piece: p.piece, result: 'severe' }))
	})) as { inspection: { replacementDueAt: string | null } };
	expect(recorded.inspection.replacementDueAt).not.toBeNull();

	// The buyer's page shows the replacement due, with its deadline.
	await b.goto(`/buyer/orders/${orderId}`);
	const buyerSide = b.getByTestId('replacement');
	await expect(buyerSide).toHaveAttribute('data-state', 'due');
	await expect(buyerSide.getByTestId('replacement-due')).toHaveAttribute(
		'data-due',
		recorded.inspection.replacementDueAt!
	);
	await expect(b.getByTestId('replacement-form')).toHaveCount(0);

	// The supplier's page: the 补发/换货 form; a tracking number no carrier issues is refused.
	const s = supplier.page;
	await s.goto(`/supplier/trade/${orderId}`);
	const form = s.getByTestId('replacement-form');
	await expect(form).toBeVisible();
	await form.getByLabel('承运商').selectOption('ZTO');
	await form.getByLabel('运单号').fill('12');
	await form.getByTestId('replacement-submit').click();
	await expect(s.getByTestId('replacement-tracking-error')).toBeVisible();
	await expect(s.getByTestId('replacement')).toHaveAttribute('data-state', 'due');
	await form.getByLabel('运单号').fill(`ZT${stamp}02`);
	await form.getByTestId('replacement-submit').click();
	await expect(s.getByTestId('replacement')).toHaveAttribute('data-state', 'shipped');

	// The buyer's open page reloads on the order's newer version.
	await expect(buyerSide).toHaveAttribute('data-state', 'shipped', { timeout: 15_000 });
	await expect(b.getByTestId('replacement-parcels')).toContainText(`ZT${stamp}02`);

	await buyer.close();
	await supplier.close();
});
