// Dispute evidence (src/lib/server/trade/dispute-evidence.ts, disputes.ts): photos, videos and
// PDFs through the resumable uploads (purpose dispute_evidence, refId = the order), named when
// filing or added later by either party while the dispute is open. The policy's size limit
// (413 naming `size`), an unfinished or someone else's upload (422 at `evidence.<i>.uploadId`,
// nothing written), who may upload, add and see (404 for a stranger), and the record line.
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import {
	tradeConversations,
	tradeDisputeEvidence,
	tradeDisputes
} from '../../src/lib/server/db/schema';
import type { Principal } from '../../src/lib/server/auth/principal';
import { AppError } from '../../src/lib/server/errors';
import { setMediaStorage } from '../../src/lib/server/platform/storage';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { authorizeTradeUpload } from '../../src/lib/server/trade/attachments';
import { openEvidenceMedia } from '../../src/lib/server/trade/dispute-evidence';
import { addEvidenceBody, fileDisputeBody } from '../../src/lib/server/trade/dispute-api';
import {
	actOnDispute,
	addEvidence,
	disputeView,
	fileDispute
} from '../../src/lib/server/trade/disputes';
import { disputePage } from '../../src/lib/server/trade/dispute-view';
import { listMessages } from '../../src/lib/server/trade';
import { appendChunk, createUpload } from '../../src/lib/server/uploads';
import { DEFAULT_TRADE_POLICY } from '../../src/lib/domain/trade/policy';
import { demoActor } from '../helpers/demo';
import { makeMember } from '../helpers/users';
import {
	arrivedOrder,
	eventsOf,
	memoryStorage,
	orderRow,
	PNG,
	supplierLots
} from '../helpers/trade';

const H = 3_600_000;
const P = DEFAULT_TRADE_POLICY;
const storage = memoryStorage();
let epoch = new Date('2041-01-01T00:00:00Z').getTime();
const nextEpoch = () => new Date((epoch += 30 * 24 * H));
const at = (t: Date, hours: number) => new Date(t.getTime() + hours * H);

let buyer: Principal, stranger: Principal, supplier: Principal, operator: Principal;
let lots: { id: string; unitPriceFen: number }[];

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

async function order(t: Date) {
	return arrivedOrder({
		buyerOrgId: buyer.orgId!,
		supplierId: supplier.orgId!,
		createdAt: at(t, -10),
		arrivedAt: t,
		lines: [
			{ lotId: lots[0]!.id, quantity: 10, unitPriceFen: 1_000 },
			{ lotId: lots[1]!.id, quantity: 5, unitPriceFen: 2_000 }
		]
	});
}

/** A file announced (and, unless `finish` is false, sent) as evidence about `orderId`. */
async function upload(p: Principal, orderId: string, now: Date, finish = true, name = 'a.png') {
	const u = await createUpload(
		p,
		{ purpose: 'dispute_evidence', refId: orderId, size: PNG.byteLength, mime: 'image/png', name },
		authorizeTradeUpload,
		now
	);
	if (finish) await appendChunk(p, u.id, '0', PNG, now);
	return u.id;
}

const disputeConversations = async () =>
	(await db().select().from(tradeConversations).where(eq(tradeConversations.kind, 'dispute')))
		.length;

const claim = (lineId: string) => ({
	lines: [{ lineId, quantity: 2, problem: 'damaged' as const, lossBp: 5000 }],
	remedy: 'partial_refund' as const
});

beforeAll(async () => {
	await seedDemoIfEmpty();
	setMediaStorage(storage);
	buyer = (await demoActor(DEMO_ACCOUNTS.buyer2)).actor;
	stranger = (await demoActor(DEMO_ACCOUNTS.buyer1)).actor;
	supplier = (await demoActor(DEMO_ACCOUNTS.supplier2)).actor;
	operator = (await makeMember('operator', null)).principal;
	lots = await supplierLots(supplier.orgId!, 2, 1_000_000);
}, 120_000);

describe('dispute evidence uploads', () => {
	it('refuses an announced file over the policy’s limit with 413 naming size', async () => {
		const t = nextEpoch();
		const o = await order(t);
		const big = await caught(
			createUpload(
				buyer,
				{
					purpose: 'dispute_evidence',
					refId: o.id,
					size: P.disputes.evidenceMaxBytes + 1,
					mime: 'video/mp4',
					name: 'long.mp4'
				},
				authorizeTradeUpload,
				at(t, 1)
			)
		);
		expect([big.status, big.code, big.field]).toEqual([413, 'too_large', 'size']);
		// At the limit it is announced.
		const ok = await createUpload(
			buyer,
			{
				purpose: 'dispute_evidence',
				refId: o.id,
				size: P.disputes.evidenceMaxBytes,
				mime: 'video/mp4',
				name: 'long.mp4'
			},
			authorizeTradeUpload,
			at(t, 1)
		);
		expect(ok.offset).toBe(0);
	});

	it('lets only the order’s parties upload, and only while a dispute may be filed or is open', async () => {
		const t = nextEpoch();
		const o = await order(t);
		expect((await caught(upload(stranger, o.id, at(t, 1)))).status).toBe(404);
		expect((await caught(upload(operator, o.id, at(t, 1)))).status).toBe(403);
		// No dispute yet: the supplier has nothing to add to.
		expect((await caught(upload(supplier, o.id, at(t, 1)))).status).toBe(409);
		// The inspection window has closed: no filing, no evidence for one.
		const late = await caught(upload(buyer, o.id, at(t, P.orders.inspectionWindowHours + 1)));
		expect([late.status, late.code]).toEqual([409, 'dispute_state']);
	});
});

describe('filing with evidence', () => {
	it('files the named photo with the dispute; parties and operators see it, a stranger 404', async () => {
		const t = nextEpoch();
		const o = await order(t);
		const up = await upload(buyer, o.id, at(t, 1), true, '破损.png');
		const d = await fileDisputeBody(buyer, {
			orderId: o.id,
			...claim(o.lineIds[0]!),
			description: '外箱压坏，两件破损',
			evidence: [{ uploadId: up }]
		});
		const v = await disputeView(supplier, d.id);
		expect(v.dispute.description).toBe('外箱压坏，两件破损');
		expect(v.evidence).toHaveLength(1);
		const e = v.evidence[0]!;
		expect([e.kind, e.party, e.name, e.mime, e.bytes]).toEqual([
			'photo',
			'buyer',
			'破损.png',
			'image/png',
			PNG.byteLength
		]);
		const key = e.url.replace(/^\/media\//, '');
		expect(key).toMatch(new RegExp(`^trade/disputes/${o.id}/`));
		for (const who of [buyer, supplier, operator]) {
			expect((await openEvidenceMedia(who, key)).mime).toBe('image/png');
		}
		expect((await caught(openEvidenceMedia(stranger, key))).status).toBe(404);
		expect((await caught(openEvidenceMedia(buyer, 'trade/disputes/../x.png'))).status).toBe(404);
		expect((await caught(disputeView(stranger, d.id))).status).toBe(404);
		expect((await disputePage(operator, d.id)).evidence.map((x) => x.id)).toEqual([e.id]);
		// One upload is evidence once.
		const twice = await caught(addEvidence(buyer, d.id, [{ uploadId: up }]));
		expect([twice.status, twice.field]).toEqual([422, 'evidence.0.uploadId']);
	});

	it('writes nothing when an upload is refused: unfinished, another order’s, malformed', async () => {
		const t = nextEpoch();
		const o = await order(t);
		const other = await order(t);
		const half = await upload(buyer, o.id, at(t, 1), false);
		const done = await upload(buyer, o.id, at(t, 1));
		const elsewhere = await upload(buyer, other.id, at(t, 1));
		const conversationsBefore = await disputeConversations();
		const eventsBefore = await eventsOf(o.id);
		const unfinished = await caught(
			fileDispute(
				buyer,
				o.id,
				{ ...claim(o.lineIds[0]!), evidence: [{ uploadId: done }, { uploadId: half }] },
				at(t, 2),
				P
			)
		);
		expect([unfinished.status, unfinished.code, unfinished.field]).toEqual([
			422,
			'upload_incomplete',
			'evidence.1.uploadId'
		]);
		const foreign = await caught(
			fileDispute(
				buyer,
				o.id,
				{ ...claim(o.lineIds[0]!), evidence: [{ uploadId: elsewhere }] },
				at(t, 2),
				P
			)
		);
		expect([foreign.status, foreign.field]).toEqual([422, 'evidence.0.uploadId']);
		const unknown = await caught(
			fileDispute(
				buyer,
				o.id,
				{ ...claim(o.lineIds[0]!), evidence: [{ uploadId: crypto.randomUUID() }] },
				at(t, 2),
				P
			)
		);
		expect([unknown.status, unknown.field]).toEqual([422, 'evidence.0.uploadId']);
		const malformed = await caught(
			fileDisputeBody(buyer, {
				orderId: o.id,
				...claim(o.lineIds[0]!),
				evidence: [{ uploadId: 'nope' }]
			})
		);
		expect([malformed.status, malformed.field]).toEqual([400, 'evidence.0.uploadId']);
		// Nothing half-written: no dispute, no evidence, the order as it was, no money, no record.
		expect(await db().select().from(tradeDisputes).where(eq(tradeDisputes.orderId, o.id))).toEqual(
			[]
		);
		expect(
			await db().select().from(tradeDisputeEvidence).where(eq(tradeDisputeEvidence.uploadId, done))
		).toEqual([]);
		expect((await orderRow(o.id)).state).toBe('arrived');
		expect(await eventsOf(o.id)).toEqual(eventsBefore);
		expect(await disputeConversations()).toBe(conversationsBefore);
		// The same filing with the finished file goes through.
		const d = await fileDispute(
			buyer,
			o.id,
			{ ...claim(o.lineIds[0]!), evidence: [{ uploadId: done }] },
			at(t, 2),
			P
		);
		expect((await disputeView(buyer, d.id)).evidence).toHaveLength(1);
		// …and moves the order, which the refusals did not (so the check above can fail).
		expect((await eventsOf(o.id)).length).toBe(eventsBefore.length + 1);
	});
});

describe('adding evidence later', () => {
	it('either party adds while open: recorded, versioned; a stranger 404, an operator 403', async () => {
		const t = nextEpoch();
		const o = await order(t);
		const d = await fileDispute(buyer, o.id, claim(o.lineIds[0]!), at(t, 1), P);
		const fromSupplier = await upload(supplier, o.id, at(t, 2), true, '出库照片.png');
		expect((await caught(addEvidence(stranger, d.id, [{ uploadId: fromSupplier }]))).status).toBe(
			404
		);
		expect((await caught(addEvidence(operator, d.id, [{ uploadId: fromSupplier }]))).status).toBe(
			403
		);
		// The buyer cannot name the supplier's upload.
		const stolen = await caught(addEvidence(buyer, d.id, [{ uploadId: fromSupplier }]));
		expect([stolen.status, stolen.field]).toEqual([422, 'evidence.0.uploadId']);
		const r = await addEvidenceBody(supplier, d.id, { evidence: [{ uploadId: fromSupplier }] });
		expect(r.dispute.version).toBe(d.version + 1);
		expect(r.added.map((e) => [e.party, e.orgId, e.kind])).toEqual([
			['supplier', supplier.orgId, 'photo']
		]);
		const more = await upload(buyer, o.id, at(t, 3), true, 'video-still.png');
		await addEvidence(buyer, d.id, [{ uploadId: more }]);
		const v = await disputeView(buyer, d.id);
		expect(v.evidence.map((e) => [e.party, e.name])).toEqual([
			['supplier', '出库照片.png'],
			['buyer', 'video-still.png']
		]);
		const record = await listMessages(buyer, { kind: 'dispute', id: d.id });
		expect(record.messages.map((m) => m.body).join('\n')).toContain('补充证据 出库照片.png');
		// An empty or malformed body names the field.
		const empty = await caught(addEvidenceBody(buyer, d.id, { evidence: [] }));
		expect([empty.status, empty.field]).toEqual([400, 'evidence']);
	});

	it('caps the files per dispute and refuses evidence once the dispute is closed', async () => {
		const t = nextEpoch();
		const o = await order(t);
		const d = await fileDispute(buyer, o.id, claim(o.lineIds[0]!), at(t, 1), P);
		const a = await upload(buyer, o.id, at(t, 2));
		const b = await upload(buyer, o.id, at(t, 2));
		const one = { ...P, disputes: { ...P.disputes, maxEvidenceFiles: 1 } };
		const many = await caught(
			addEvidence(buyer, d.id, [{ uploadId: a }, { uploadId: b }], at(t, 2), one)
		);
		expect([many.status, many.field]).toEqual([422, 'evidence']);
		expect((await disputeView(buyer, d.id)).evidence).toEqual([]);
		await actOnDispute(buyer, d.id, { action: { type: 'withdraw' } }, at(t, 3), P);
		const closed = await caught(addEvidence(buyer, d.id, [{ uploadId: a }], at(t, 4)));
		expect([closed.status, closed.code]).toEqual([409, 'dispute_state']);
		expect((await caught(upload(supplier, o.id, at(t, 4)))).status).toBe(409);
	});
});
