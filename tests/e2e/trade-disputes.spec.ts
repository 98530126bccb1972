// Disputes (issue 20) end to end: the buyer disputes one line with photos and a message, the
// supplier counter-offers, the buyer escalates, the operator rules a partial refund; both sides
// see the ledger effect and the message record exports with a valid hash chain.
//
// The order's way to its arrival and the phone checklist (covered in the browser by
// trade-buyer.spec.ts) go through the HTTP API with each user's own session (page.request); the
// dispute itself is driven in the browser by all three: the buyer files it on the order page with
// a photo and writes in its conversation, the supplier counter-offers on its dispute page, the
// buyer escalates while the operator's queue (/admin/disputes) shows it live, and the operator
// rules from the evidence bundle (/admin/disputes/[id]).
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

/** The smallest PNG (1×1), as a phone photo stands in. */
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
	'base64'
);

const SHIP_TO = {
	name: 'Lisa 刘',
	phone: '13905790002',
	province: '浙江省',
	city: '金华市',
	district: '义乌市',
	address: '国际商贸城 五区 12 街 8808 号'
};

async function ok<T>(res: Awaited<ReturnType<Page['request']['get']>>): Promise<T> {
	expect(res.ok(), `${res.url()} → ${res.status()} ${await res.text()}`).toBe(true);
	return (await res.json()) as T;
}

interface Line {
	id: string;
	lotId: string;
	quantity: number;
	lineFen: number;
}

test('buyer disputes a line with photos and a message, supplier counters, buyer escalates, the operator rules a partial refund', async ({
	browser,
	baseURL
}) => {
	const buyer = await signedIn(browser, baseURL!, 'buyer2@demo.lotlive.cn', /\/catalog$/);
	const supplier = await signedIn(browser, baseURL!, 'supplier2@demo.lotlive.cn', /\/supplier$/);
	const ops = await signedIn(browser, baseURL!, 'ops@demo.lotlive.cn', /\/admin$/);
	const b = buyer.page.request;
	const s = supplier.page.request;

	// The buyer orders again a lot and quantity of a demo order of supplier2's it received
	// (buyable, in stock): the oldest released order both sides list.
	const { orders: bought } = await ok<{ orders: { id: string }[] }>(
		await b.get('/api/v1/trade/orders?state=released')
	);
	const { orders: sold } = await ok<{ orders: { id: string }[] }>(
		await s.get('/api/v1/trade/orders?state=released')
	);
	const theirs = new Set(sold.map((x) => x.id));
	const demo = bought.filter((x) => theirs.has(x.id)).at(-1);
	expect(demo, 'a released demo order of buyer2 from supplier2').toBeTruthy();
	const me = await ok<{ order: { lines: Line[] } }>(
		await b.get(`/api/v1/trade/orders/${demo!.id}`)
	);
	const source = me.order.lines[0]!;
	const placed = await ok<{ orders: { id: string; number: number }[] }>(
		await b.post('/api/v1/trade/orders', {
			headers: { 'Idempotency-Key': `e2e-dispute-${Date.now()}` },
			data: {
				lines: [{ lotId: source.lotId, quantity: source.quantity }],
				shipTo: SHIP_TO,
				provider: 'test'
			}
		})
	);
	const orderId = placed.orders[0]!.id;
	const number = placed.orders[0]!.number;
	await ok(await b.post(`/api/v1/trade/orders/${orderId}/pay`));
	await ok(await s.post(`/api/v1/trade/orders/${orderId}/accept`));
	await ok(await s.post(`/api/v1/trade/orders/${orderId}/pack`));
	await ok(
		await s.post(`/api/v1/trade/orders/${orderId}/ship`, {
			data: { parcels: [{ carrier: 'SF', trackingNo: `SF${Date.now()}`, cartons: 2 }] }
		})
	);
	await ok(await b.post(`/api/v1/trade/orders/${orderId}/arrive`));

	// The phone checklist: three drawn pieces stained, each with a photo (two severe, one minor:
	// below the severe-defect rule's three, whose replacement has its own spec and would hold
	// part of the line apart from the dispute); the rest pass.
	const { inspection } = await ok<{
		inspection: { lines: { lineId: string; pieces: { lineId: string; piece: number }[] }[] };
	}>(await b.post(`/api/v1/trade/orders/${orderId}/inspection`));
	const drawn = inspection.lines[0]!;
	const photos: string[] = [];
	for (let i = 0; i < 3; i++) {
		const up = await ok<{ key: string }>(
			await b.post(`/api/v1/trade/orders/${orderId}/inspection/photos`, {
				headers: { 'content-type': 'image/png' },
				data: PNG
			})
		);
		photos.push(up.key);
	}
	await ok(
		await b.post(`/api/v1/trade/orders/${orderId}/inspection`, {
			data: {
				items: drawn.pieces.map((p, i) =>
					i < 3
						? {
								lineId: p.lineId,
								piece: p.piece,
								result: i < 2 ? 'severe' : 'minor',
								note: '前襟污渍',
								photos: [photos[i]]
							}
						: { lineId: p.lineId, piece: p.piece, result: 'pass' }
				)
			}
		})
	);

	// The buyer disputes that one line on the order page: 10 pieces damaged, 60% loss, a partial
	// refund (the manifest's estimate), in its own words, with a photo.
	const bp = buyer.page;
	await bp.goto(`/buyer/orders/${orderId}`);
	const fileForm = bp.getByTestId('dispute-file');
	await fileForm.locator('summary').click();
	const row = fileForm.getByTestId('dispute-line').first();
	await row.getByTestId('dispute-qty').fill('10');
	await row.getByTestId('dispute-problem').selectOption('damaged');
	await row.getByTestId('dispute-loss').fill('60');
	await expect(fileForm.getByTestId('remedy-partial_refund')).toBeChecked();
	const DESCRIPTION = '十件前襟大片污渍，无法上架销售。';
	await fileForm.getByTestId('dispute-description').fill(DESCRIPTION);
	await fileForm
		.getByTestId('evidence-input')
		.setInputFiles({ name: 'stain.png', mimeType: 'image/png', buffer: PNG });
	await expect(
		fileForm.locator('[data-testid="evidence-picked"] li[data-done="true"]')
	).toHaveCount(1);
	await fileForm.getByTestId('dispute-submit').click();
	await expect(bp).toHaveURL(/\/buyer\/disputes\/[0-9a-f-]{36}$/);
	const disputeId = bp.url().split('/').at(-1)!;
	await expect(bp.getByTestId('dispute')).toHaveAttribute('data-state', 'awaiting_answer');
	const filed = await ok<{ dispute: { frozenFen: number; askedRefundFen: number } }>(
		await b.get(`/api/v1/trade/disputes/${disputeId}`)
	);
	const line = (
		await ok<{ order: { lines: Line[] } }>(await b.get(`/api/v1/trade/orders/${orderId}`))
	).order.lines[0]!;
	expect(filed.dispute.frozenFen).toBe(line.lineFen);

	// …and writes in the dispute's conversation with a photo attached.
	const BUYER_TEXT = '照片见附件：污渍在前襟，洗不掉，要求部分退款。';
	const buyerConv = bp.getByTestId('conversation');
	await buyerConv.locator('textarea[name="body"]').fill(BUYER_TEXT);
	await buyerConv
		.locator('input[name="files"]')
		.setInputFiles({ name: 'stain-2.png', mimeType: 'image/png', buffer: PNG });
	await buyerConv.getByRole('button', { name: '发送' }).click();
	await expect(buyerConv.getByText(BUYER_TEXT)).toBeVisible();
	await expect(buyerConv.getByTestId('message-photo')).toHaveCount(1);

	// The supplier counter-offers a quarter of the frozen amount on its dispute page.
	const counterFen = Math.max(100, Math.floor(filed.dispute.frozenFen / 4 / 100) * 100);
	const sp = supplier.page;
	await sp.goto(`/supplier/disputes/${disputeId}`);
	await sp.getByTestId('counter-refund').fill(String(counterFen / 100));
	await sp.getByTestId('answer-counter').click();
	await expect(sp.getByTestId('dispute')).toHaveAttribute('data-state', 'countered');
	await expect(sp.getByTestId('dispute-counter')).toHaveText(fenText(counterFen));

	// The operator's queue is open while the buyer escalates: the row turns "escalated" live.
	const o = ops.page;
	await o.goto('/admin/disputes');
	await expect(o.getByTestId('connection')).toHaveText('实时更新中');
	const queued = o.locator(`[data-testid="dispute-row"][data-id="${disputeId}"]`);
	await expect(queued).toHaveAttribute('data-state', 'countered');
	// The buyer sees the counter-offer live and escalates instead of taking it.
	await expect(bp.getByTestId('dispute')).toHaveAttribute('data-state', 'countered');
	await bp.getByTestId('escalate').click();
	await expect(bp.getByTestId('dispute')).toHaveAttribute('data-state', 'escalated');
	await expect(queued).toHaveAttribute('data-state', 'escalated');
	await expect(queued.getByTestId('state')).toHaveText('待平台裁决');
	// escalated disputes lead the queue, the nearest ruling deadline first: ours (48 h from now)
	// comes after the demo's (escalated 10 h before seeding)
	const states = await o
		.getByTestId('dispute-row')
		.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
	expect(states.slice(0, 2)).toEqual(['escalated', 'escalated']);
	await expect(queued.getByTestId('deadline')).toContainText('剩余 47:');

	// The evidence bundle on one page.
	await queued.getByTestId('open').click();
	await expect(o).toHaveURL(`/admin/disputes/${disputeId}`);
	await expect(o.getByTestId('page-title')).toHaveText(`纠纷 · 订单 #${number}`);
	await expect(o.getByTestId('manifest-line').getByTestId('affected')).toHaveText('10');
	await expect(o.getByTestId('manifest-line').getByTestId('loss')).toHaveText('60%');
	await expect(o.getByTestId('inspection').locator('[data-result="severe"]')).toHaveCount(2);
	await expect(o.getByTestId('inspection').locator('[data-result="severe"] img')).toHaveCount(2);
	await expect(o.getByTestId('inspection').locator('[data-result="minor"] img')).toHaveCount(1);
	await expect(o.getByTestId('parcel')).toContainText('SF');
	await expect(o.getByTestId('no-sealed')).toBeVisible();
	await expect(o.getByTestId('description')).toHaveText(DESCRIPTION);
	await expect(o.locator('[data-testid="evidence-file"][data-kind="photo"] img')).toHaveCount(1);
	const record = o.locator('[data-testid="record"][data-kind="dispute"]');
	await expect(record).toHaveAttribute('data-chain', 'ok');
	await expect(record.getByTestId('chain')).toContainText('哈希链完整');
	const conversation = o.getByTestId('conversation');
	await expect(conversation.getByText(BUYER_TEXT)).toBeVisible();
	await expect(conversation.getByTestId('message-photo')).toHaveCount(1);
	await expect(o.getByTestId('timeline-entry').first()).toBeVisible();
	await expect(o.getByTestId('held')).toHaveText(fenText(filed.dispute.frozenFen));

	// The operator writes in the dispute's conversation.
	const OPS_TEXT = '平台已收到照片和验货记录，将在 48 小时内裁决。';
	await conversation.locator('textarea[name="body"]').fill(OPS_TEXT);
	await conversation.getByRole('button', { name: '发送' }).click();
	await expect(conversation.getByText(OPS_TEXT)).toBeVisible();

	// A ruling without a reason is refused at its field; then a partial refund of X with one.
	const refundFen = Math.max(100, Math.floor(filed.dispute.frozenFen / 3 / 100) * 100);
	const form = o.getByTestId('ruling-form');
	await form.getByTestId('ruling-partial_refund').check();
	await form.getByTestId('refund-yuan').fill(String(refundFen / 100));
	await form.getByTestId('submit-ruling').click();
	await expect(form.getByTestId('ruling-error')).toHaveAttribute('data-field', 'reason');
	await expect(form.getByTestId('reason')).toHaveAttribute('aria-invalid', 'true');
	await form.getByTestId('reason').fill('验货照片显示十件污渍，按损失比例部分退款。');
	await form.getByTestId('submit-ruling').click();
	await expect(o.getByTestId('ruled')).toContainText('部分退款');
	await expect(o.getByTestId('dispute-state')).toHaveAttribute('data-state', 'closed');
	await expect(o.getByTestId('outcome')).toContainText(fenText(refundFen));

	// The ledger effect: the refund and the release of the rest, less the fee.
	const ledger = o.getByTestId('ledger');
	await expect(ledger.getByTestId('refunded')).toHaveText(fenText(refundFen));
	await expect(ledger.getByTestId('held')).toHaveText(fenText(0));
	await expect(ledger.locator('[data-key$=":dispute-refund"]')).toHaveCount(1);
	await expect(ledger.locator('[data-key$=":dispute-release"]')).toHaveCount(1);

	// Both sides see the outcome on their dispute pages and the same ledger effect.
	for (const [page, path] of [
		[bp, `/buyer/disputes/${disputeId}`],
		[sp, `/supplier/disputes/${disputeId}`]
	] as const) {
		await page.goto(path);
		await expect(page.getByTestId('dispute')).toHaveAttribute('data-state', 'closed');
		await expect(page.getByTestId('dispute-outcome')).toHaveAttribute(
			'data-kind',
			'partial_refund'
		);
		await expect(page.getByTestId('outcome-refund')).toHaveText(fenText(refundFen));
		await expect(page.getByTestId('outcome-release')).toHaveText(
			fenText(filed.dispute.frozenFen - refundFen)
		);
	}
	for (const side of [b, s]) {
		const v = await ok<{
			dispute: { state: string; outcomeRefundFen: number };
			money: { refundedFen: number; heldFen: number; paidInFen: number; releasedFen: number };
		}>(await side.get(`/api/v1/trade/disputes/${disputeId}`));
		expect(v.dispute.state).toBe('closed');
		expect(v.dispute.outcomeRefundFen).toBe(refundFen);
		expect(v.money.refundedFen).toBe(refundFen);
		expect(v.money.heldFen).toBe(0);
		expect(v.money.refundedFen + v.money.releasedFen).toBe(v.money.paidInFen);
	}
	// The supplier's receivables list the order's escrow with the refund.
	await supplier.page.goto('/supplier/receivables');
	const escrowRow = supplier.page.locator(
		`[data-testid="trade-escrow-row"]:has(td[title="${orderId}"])`
	);
	await expect(escrowRow.locator('td').nth(5)).toHaveText(fenText(refundFen));
	await expect(escrowRow.locator('td').nth(2)).toHaveText(fenText(0));

	// The message record exports with a valid hash chain, for both sides and the operator.
	for (const p of [b, s, o.request]) {
		const res = await p.get(`/api/v1/trade/conversations/dispute/${disputeId}/export`);
		expect(res.status()).toBe(200);
		const html = await res.text();
		expect(html).toContain('data-chain="ok"');
		expect(html).toContain(BUYER_TEXT);
		expect(html).toContain(OPS_TEXT);
	}
	const exportPage = await o.context().newPage();
	await exportPage.goto(`/api/v1/trade/conversations/dispute/${disputeId}/export`);
	await expect(exportPage.locator('[data-chain="ok"]')).toBeVisible();

	// The closed dispute leaves the open queue.
	await o.goto('/admin/disputes');
	await expect(o.locator(`[data-testid="dispute-row"][data-id="${disputeId}"]`)).toHaveCount(0);
	await o.goto('/admin/disputes?state=closed');
	await expect(o.locator(`[data-testid="dispute-row"][data-id="${disputeId}"]`)).toHaveCount(1);

	// A buyer is not let into the operators' pages.
	const refused = await buyer.page.goto(`/admin/disputes/${disputeId}`);
	expect(refused?.status()).toBe(403);

	for (const c of [buyer, supplier, ops]) await c.context.close();
});

/** ¥ amounts as the zh-CN pages print them. */
function fenText(fen: number): string {
	return new Intl.NumberFormat('zh-CN', {
		style: 'currency',
		currency: 'CNY',
		minimumFractionDigits: 2
	}).format(fen / 100);
}
