// The buyer's sampling inspection (src/lib/server/trade/inspection.ts): the draw is reproducible,
// only drawn pieces take results, verdicts against the grade's allowance, the severe-defect rule,
// the 48 h window, and who may read the photos. Injected clock.
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/server/errors';
import { setMediaStorage } from '../../src/lib/server/platform/storage';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import {
	canReadTradeMedia,
	inspectionView,
	openTradeMedia,
	recordInspection,
	startInspection,
	uploadInspectionPhoto
} from '../../src/lib/server/trade';
import { drawInspection } from '../../src/lib/domain/trade/inspection';
import { DEFAULT_TRADE_POLICY } from '../../src/lib/domain/trade/policy';
import type { Principal } from '../../src/lib/server/auth/principal';
import { demoActor } from '../helpers/demo';
import { makeMember } from '../helpers/users';
import { arrivedOrder, memoryStorage, orderRow, PNG, supplierLots } from '../helpers/trade';
import { appendChunk, createUpload } from '../../src/lib/server/uploads';
import { authorizeTradeUpload } from '../../src/lib/server/trade/attachments';

const H = 3_600_000;
const T0 = new Date('2026-04-01T01:00:00Z');
const ARRIVED = new Date(T0.getTime() + 30 * H);
const at = (h: number) => new Date(ARRIVED.getTime() + h * H);

let buyer: Principal, otherBuyer: Principal, supplier: Principal, operator: Principal;
let lotA: { id: string; unitPriceFen: number };
let lotB: { id: string; unitPriceFen: number };
const storage = memoryStorage();

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

function order() {
	return arrivedOrder({
		buyerOrgId: buyer.orgId!,
		supplierId: supplier.orgId!,
		createdAt: T0,
		arrivedAt: ARRIVED,
		lines: [
			{ lotId: lotA.id, quantity: 20, unitPriceFen: lotA.unitPriceFen, piecesPerCarton: 6 },
			{ lotId: lotB.id, quantity: 7, unitPriceFen: lotB.unitPriceFen, piecesPerCarton: 1 }
		]
	});
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	setMediaStorage(storage);
	buyer = (await demoActor(DEMO_ACCOUNTS.buyer1)).actor;
	otherBuyer = (await demoActor(DEMO_ACCOUNTS.buyer2)).actor;
	supplier = (await demoActor(DEMO_ACCOUNTS.supplier3)).actor;
	operator = (await makeMember('operator', null)).principal;
	const two = await supplierLots(supplier.orgId!, 2, 10_000);
	lotA = two[0]!;
	lotB = two[1]!;
}, 120_000);

describe('sampling inspection', () => {
	it('draws the same pieces every time, 30% rounded up per line, from the order id', async () => {
		const o = await order();
		const started = await startInspection(buyer, o.id, at(1));
		expect((await orderRow(o.id)).state).toBe('inspecting');
		expect(started.samplingBp).toBe(3000);
		expect(started.lines.map((l) => l.sampleSize)).toEqual(
			started.lines.map((l) => (l.quantity === 20 ? 6 : 3))
		);
		// Again (a reloaded checklist), and as the supplier sees it: the same draw.
		const again = await startInspection(buyer, o.id, at(2));
		const seen = await inspectionView(supplier, o.id);
		expect(again.lines).toEqual(started.lines);
		expect(seen.lines).toEqual(started.lines);
		// It is the domain's draw from the order and line ids.
		const domain = drawInspection(
			o.id,
			started.lines.map((l) => ({
				lineId: l.lineId,
				lotId: '',
				quantity: l.quantity,
				piecesPerCarton: l.quantity === 20 ? 6 : 1
			})),
			DEFAULT_TRADE_POLICY
		);
		for (const [i, l] of started.lines.entries()) {
			const expected = domain[i]!.cartons.flatMap((c) =>
				c.positions.map((p) => ({ carton: c.carton, position: p }))
			);
			expect(l.pieces.map((p) => ({ carton: p.carton, position: p.position }))).toEqual(expected);
			for (const p of l.pieces) expect(p.piece).toBeLessThan(l.quantity);
		}
		expect(started.windowEndsAt).toBe(at(48).toISOString());
	});

	it('takes results only for drawn pieces, and judges each line against its allowance', async () => {
		const o = await order();
		const v = await startInspection(buyer, o.id, at(1));
		const a = v.lines.find((l) => l.quantity === 20);
		const b = v.lines.find((l) => l.quantity === 7);
		const drawnA = new Set(a!.pieces.map((p) => p.piece));
		const notDrawn = [...Array(20).keys()].find((n) => !drawnA.has(n))!;
		const e = await caught(
			recordInspection(
				buyer,
				o.id,
				{ items: [{ lineId: a!.lineId, piece: notDrawn, result: 'pass' }] },
				at(2)
			)
		);
		expect([e.status, e.code, e.field]).toEqual([422, 'not_drawn', 'items.0.piece']);
		// Line A all pass; line B one severe piece of three.
		const r = await recordInspection(
			buyer,
			o.id,
			{
				items: [
					...a!.pieces.map((p) => ({ lineId: a!.lineId, piece: p.piece, result: 'pass' })),
					{ lineId: b!.lineId, piece: b!.pieces[0]!.piece, result: 'severe', note: '破洞' },
					{ lineId: b!.lineId, piece: b!.pieces[1]!.piece, result: 'pass' }
				]
			},
			at(3)
		);
		const va = r.verdicts.find((x) => x.lineId === a!.lineId)!;
		const vb = r.verdicts.find((x) => x.lineId === b!.lineId)!;
		expect([va.inspected, va.minor, va.severe, va.withinAllowance]).toEqual([6, 0, 0, true]);
		expect([vb.inspected, vb.severe, vb.severeBp, vb.withinAllowance]).toEqual([2, 1, 5000, false]);
		expect(r.severePieces).toBe(1);
		expect(r.replacementDueAt).toBeNull();
		expect(r.submittedAt).toBe(at(3).toISOString());
		// A piece recorded again takes the new result.
		const again = await recordInspection(
			buyer,
			o.id,
			{ items: [{ lineId: b!.lineId, piece: b!.pieces[0]!.piece, result: 'pass' }] },
			at(4)
		);
		expect(again.verdicts.find((x) => x.lineId === b!.lineId)!.withinAllowance).toBe(true);
		expect(again.severePieces).toBe(0);
	});

	it('3 severe pieces in the delivery make a replacement due in 24 h', async () => {
		const o = await order();
		const v = await startInspection(buyer, o.id, at(1));
		const pieces = v.lines.flatMap((l) => l.pieces).slice(0, 3);
		const r = await recordInspection(
			buyer,
			o.id,
			{ items: pieces.map((p) => ({ lineId: p.lineId, piece: p.piece, result: 'severe' })) },
			at(5)
		);
		expect(r.severePieces).toBe(3);
		expect(r.replacementDueAt).toBe(at(5 + 24).toISOString());
	});

	it('starts with the first results on an arrived order, and refuses after the 48 h window', async () => {
		const o = await order();
		const draw = drawInspection(
			o.id,
			o.lineIds.map((lineId, i) => ({
				lineId,
				lotId: o.lotIds[i]!,
				quantity: o.lotIds[i] === lotA.id ? 20 : 7,
				piecesPerCarton: o.lotIds[i] === lotA.id ? 6 : 1
			}))
		);
		const first = draw[0]!;
		const ppc = first.quantity === 20 ? 6 : 1;
		const piece = (first.cartons[0]!.carton - 1) * ppc + first.cartons[0]!.positions[0]! - 1;
		const r = await recordInspection(
			buyer,
			o.id,
			{ items: [{ lineId: first.lineId, piece, result: 'minor' }] },
			at(1)
		);
		expect((await orderRow(o.id)).state).toBe('inspecting');
		expect(r.lines.flatMap((l) => l.pieces).filter((p) => p.result)).toHaveLength(1);
		const late = await caught(recordInspection(buyer, o.id, { items: [] }, at(48)));
		expect([late.status, late.code]).toEqual([409, 'deadline_passed']);
	});

	it('is the buyer’s: the supplier may look but not record; another buyer gets 404', async () => {
		const o = await order();
		await startInspection(buyer, o.id, at(1));
		const s = await caught(recordInspection(supplier, o.id, { items: [] }, at(2)));
		expect(s.status).toBe(403);
		const x = await caught(inspectionView(otherBuyer, o.id));
		expect([x.status, x.code]).toEqual([404, 'not_found']);
		const y = await caught(startInspection(otherBuyer, o.id, at(2)));
		expect(y.status).toBe(404);
		expect((await inspectionView(operator, o.id)).orderId).toBe(o.id);
	});

	it('stores photos under the order; its buyer, supplier and operators read them, others 404', async () => {
		const o = await order();
		const v = await startInspection(buyer, o.id, at(1));
		const photo = await uploadInspectionPhoto(buyer, o.id, PNG);
		expect(photo.key).toMatch(new RegExp(`^trade/${o.id}/[0-9a-f]{24}\\.png$`));
		expect(storage.files.has(photo.key)).toBe(true);
		const notImage = await caught(
			uploadInspectionPhoto(buyer, o.id, new TextEncoder().encode('hi'))
		);
		expect([notImage.status, notImage.code]).toEqual([400, 'unsupported_media']);
		const p0 = v.lines[0]!.pieces[0]!;
		const r = await recordInspection(
			buyer,
			o.id,
			{ items: [{ lineId: p0.lineId, piece: p0.piece, result: 'minor', photos: [photo.key] }] },
			at(2)
		);
		expect(r.lines[0]!.pieces[0]!.photos).toEqual([{ key: photo.key, url: `/media/${photo.key}` }]);
		// A key of another order is refused.
		const other = await order();
		const foreign = await caught(
			recordInspection(
				buyer,
				other.id,
				{ items: [{ lineId: p0.lineId, piece: p0.piece, result: 'pass', photos: [photo.key] }] },
				at(2)
			)
		);
		expect([foreign.status, foreign.code, foreign.field]).toEqual([
			422,
			'invalid_media',
			'items.0.photos.0'
		]);
		// The video: a finished upload's key under the order (as the uploads module stores it).
		const videoKey = `trade/${o.id}/${o.lineIds[0]}.mp4`;
		const missing = await caught(recordInspection(buyer, o.id, { items: [], videoKey }, at(2)));
		expect([missing.status, missing.field]).toEqual([422, 'videoKey']);
		await storage.put(
			videoKey,
			Uint8Array.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]),
			'video/mp4'
		);
		const withVideo = await recordInspection(buyer, o.id, { items: [], videoKey }, at(2));
		expect(withVideo.video).toEqual({ key: videoKey, url: `/media/${videoKey}` });
		expect(await canReadTradeMedia(supplier, videoKey)).toBe(true);
		expect(await canReadTradeMedia(otherBuyer, videoKey)).toBe(false);
		const foreignVideo = await caught(
			recordInspection(buyer, other.id, { items: [], videoKey }, at(2))
		);
		expect(foreignVideo.field).toBe('videoKey');
		for (const who of [buyer, supplier, operator]) {
			expect(await canReadTradeMedia(who, photo.key)).toBe(true);
		}
		expect((await openTradeMedia(supplier, photo.key)).mime).toBe('image/png');
		expect(await canReadTradeMedia(otherBuyer, photo.key)).toBe(false);
		const denied = await caught(openTradeMedia(otherBuyer, photo.key));
		expect(denied.status).toBe(404);
		const up = await caught(uploadInspectionPhoto(otherBuyer, o.id, PNG));
		expect(up.status).toBe(404);
	});

	it('links the video of a finished resumable upload by its id; someone else’s upload is 404', async () => {
		const o = await order();
		await startInspection(buyer, o.id, at(1));
		const bytes = new Uint8Array(64);
		bytes.set([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d], 0);
		const input = {
			purpose: 'inspection_video',
			refId: o.id,
			size: 64,
			mime: 'video/mp4',
			name: 'a.mp4'
		};
		const u = await createUpload(buyer, input, authorizeTradeUpload);
		// Not finished yet: refused, naming the field.
		const half = await caught(
			recordInspection(buyer, o.id, { items: [], videoUploadId: u.id }, at(2))
		);
		expect([half.status, half.field]).toEqual([422, 'videoUploadId']);
		await appendChunk(buyer, u.id, '0', bytes);
		const r = await recordInspection(buyer, o.id, { items: [], videoUploadId: u.id }, at(2));
		expect(r.video?.key).toMatch(new RegExp(`^trade/${o.id}/`));
		expect(await canReadTradeMedia(supplier, r.video!.key)).toBe(true);
		// The upload belongs to another order: not found for this one.
		const other = await order();
		const wrong = await caught(
			recordInspection(buyer, other.id, { items: [], videoUploadId: u.id }, at(2))
		);
		expect(wrong.status).toBe(404);
	});
});
