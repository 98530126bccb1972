// Samples and sealed reference samples (issue 19) in Chromium: the supplier enables samples on a
// lot, a buyer requests 3 pieces from the lot page and pays, the supplier has tags issued, prints
// the tag labels (Code 128 + QR; the print page rendered to PDF) and ships, the buyer approves
// (sealed), orders 500 pieces and sees the sample credit on the order and the tag reference on
// the order and the packing list.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { submitSignIn } from './sign-in';

async function signedIn(browser: Browser, baseURL: string, email: string, home: RegExp) {
	const context = await browser.newContext({ baseURL });
	await context.addCookies([{ name: 'lotlive_locale', value: 'zh-CN', url: baseURL }]);
	const page = await context.newPage();
	await submitSignIn(page, email);
	await expect(page).toHaveURL(home);
	return { context, page };
}

interface LotRow {
	id: string;
	status: string;
	visible: boolean;
	moq: number;
	available: number;
}

/** A lot of the signed-in supplier a buyer can order 500 pieces of (MOQ ≤ 500, step divides 500). */
async function lotFor500(supplier: Page): Promise<LotRow> {
	let cursor: string | null = null;
	for (let i = 0; i < 20; i++) {
		const res = await supplier.request.get(
			`/api/v1/lots?mine=1&sort=newest${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
		);
		expect(res.ok()).toBe(true);
		const body = (await res.json()) as { items: LotRow[]; nextCursor: string | null };
		for (const l of body.items) {
			if (l.status !== 'active' || !l.visible || l.moq > 500 || l.available < 600) continue;
			await supplier.goto(`/supplier/lots/${l.id}`);
			const step = Number(await supplier.locator('input[name="step"]').inputValue());
			if (step >= 1 && 500 % step === 0) return l;
		}
		cursor = body.nextCursor;
		if (!cursor) break;
	}
	throw new Error('the demo supplier has no lot a buyer can order 500 of');
}

test('a buyer requests 3 samples, the supplier tags and ships, the buyer approves and gets the credit on 500 pieces', async ({
	browser,
	baseURL
}) => {
	const s1 = await signedIn(browser, baseURL!, 'supplier1@demo.lotlive.cn', /\/supplier$/);
	const lot = await lotFor500(s1.page);

	// The supplier enables samples on the lot: ¥50 a piece, up to 5.
	const settings = s1.page.getByTestId('sample-settings');
	await settings.getByTestId('samples-enabled').check();
	await settings.getByLabel('样品单价（元/件）').fill('50.00');
	await settings.getByLabel('最多可拿件数').fill('5');
	await settings.getByTestId('save-samples').click();
	await expect(settings.getByRole('status')).toBeVisible();

	// The buyer requests 3 pieces from the lot page (6 is refused at its field first).
	const buyer = await signedIn(browser, baseURL!, 'buyer1@demo.lotlive.cn', /\/catalog$/);
	await buyer.page.goto(`/catalog/lots/${lot.id}`);
	const box = buyer.page.getByTestId('sample-request');
	await box.locator('summary').click();
	await box.getByLabel('姓名', { exact: true }).fill('陈老板');
	await box.getByLabel('电话', { exact: true }).fill('13800138000');
	await box.getByLabel('省', { exact: true }).fill('广东省');
	await box.getByLabel('市', { exact: true }).fill('广州市');
	await box.getByLabel('区/县', { exact: true }).fill('白云区');
	await box.getByLabel('详细地址', { exact: true }).fill('机场路 1 号');
	await box.getByLabel('样品件数').fill('6');
	await box.getByTestId('request-samples').click();
	await expect(box.getByLabel('样品件数')).toHaveAttribute('aria-invalid', 'true');
	await box.getByLabel('样品件数').fill('3');
	for (const [label, v] of [
		['姓名', '陈老板'],
		['电话', '13800138000'],
		['省', '广东省'],
		['市', '广州市'],
		['区/县', '白云区'],
		['详细地址', '机场路 1 号']
	] as const) {
		await box.getByLabel(label, { exact: true }).fill(v);
	}
	await box.getByTestId('request-samples').click();
	await expect(buyer.page).toHaveURL(/\/buyer\/samples\/[0-9a-f-]{36}$/);
	const sampleUrl = buyer.page.url();
	await expect(buyer.page.getByTestId('sample-fee')).toContainText('150');
	await buyer.page.getByTestId('sample-pay').click();
	await expect(buyer.page.getByTestId('sample-state')).toHaveText('已付款，待发样');

	// The supplier has the tags issued, prints the labels and ships.
	await s1.page.goto('/supplier/samples');
	const card = s1.page.getByTestId('supplier-sample').filter({ hasText: '已付款，待发样' }).first();
	await card.getByTestId('issue-tags').click();
	await expect(card.getByTestId('sample-tags')).toContainText('#YP');
	const tagsText = (await card.getByTestId('sample-tags').textContent()) ?? '';
	const tags = [...tagsText.matchAll(/YP\d{10}/g)].map((m) => m[0]);
	expect(tags).toHaveLength(3);
	const href = (await card.getByTestId('print-labels').getAttribute('href'))!;
	const labels = await s1.context.newPage();
	await labels.goto(href);
	await expect(labels.getByTestId('tag-label')).toHaveCount(3);
	await expect(labels.getByTestId('tag-barcode')).toHaveCount(3);
	await expect(labels.getByTestId('tag-qr').locator('svg')).toHaveCount(3);
	for (const tag of tags) await expect(labels.getByText(`#${tag}`)).toBeVisible();
	const pdf = await labels.pdf({ format: 'A4' });
	expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
	await labels.close();
	await card.getByLabel('快递公司').fill('顺丰速运');
	await card.getByLabel('运单号').fill('SF1234567890');
	await card.getByTestId('ship-sample').click();
	await expect(
		s1.page.getByTestId('supplier-sample').filter({ hasText: tags[0]! }).getByTestId('sample-state')
	).toHaveText('样品已发出');

	// The buyer receives and approves: the reference is sealed with the tags.
	await buyer.page.goto(sampleUrl);
	await buyer.page.getByTestId('sample-deliver').click();
	await expect(buyer.page.getByTestId('sample-state')).toHaveText('样品已签收，待确认');
	await buyer.page.getByTestId('sample-approve').click();
	await expect(buyer.page.getByTestId('sample-state')).toHaveText('已确认封样');
	await expect(buyer.page.getByTestId('sealed-tags')).toContainText(tags[0]!);

	// 500 pieces of the lot: the sample fee is credited, the order carries the tag reference.
	await buyer.page.goto(`/catalog/lots/${lot.id}`);
	const add = buyer.page.getByTestId('add-to-cart');
	await add.getByTestId('add-quantity').fill('500');
	await add.getByTestId('add-submit').click();
	await expect(add.getByTestId('add-done')).toBeVisible();
	await buyer.page.goto('/buyer/checkout?dest=山东省');
	await buyer.page.getByLabel('姓名', { exact: true }).fill('陈老板');
	await buyer.page.getByLabel('电话', { exact: true }).fill('13800138000');
	await buyer.page.getByLabel('省', { exact: true }).selectOption('山东省');
	await buyer.page.getByLabel('市', { exact: true }).fill('济南市');
	await buyer.page.getByLabel('区/县', { exact: true }).fill('历下区');
	await buyer.page.getByLabel('详细地址', { exact: true }).fill('泉城路 1 号');
	await buyer.page.getByTestId('provider-test').check();
	await buyer.page.getByTestId('place-order').click();
	await expect(buyer.page).toHaveURL(/\/buyer\/orders\?checkout=/);
	const fresh = buyer.page.locator('[data-testid="order-row"].fresh');
	await expect(fresh).toHaveCount(1);
	const orderId = (await fresh.first().getAttribute('data-id'))!;
	await buyer.page.goto(`/buyer/orders/${orderId}`);
	await expect(buyer.page.getByText('样品抵扣', { exact: true })).toBeVisible();
	await expect(buyer.page.getByText('样品抵扣 ¥150.00')).toBeVisible();
	await expect(buyer.page.getByText('−¥150.00')).toBeVisible();
	await expect(buyer.page.getByTestId('order-sealed-ref')).toContainText(`#${tags[0]}`);

	// The supplier's packing list prints "按标记样品 #… 质量发货".
	await s1.page.goto(`/supplier/trade/${orderId}/packing-list`);
	await expect(s1.page.getByTestId('sealed-sample')).toContainText('按标记样品');
	for (const tag of tags)
		await expect(s1.page.getByTestId('sealed-sample')).toContainText(`#${tag}`);
});
