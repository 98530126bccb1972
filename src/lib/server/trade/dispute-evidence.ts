// Evidence of a dispute (issue 20, docs/TRADE.md "Disputes: the service"): photos, videos and
// PDFs the buyer names when filing and either party adds while the dispute is open. The files go
// up through the resumable uploads (purpose `dispute_evidence`, refId = the trade order: evidence
// is gathered before the dispute exists); this module decides who may upload (the uploads
// authorizer), turns finished uploads into `trade_dispute_evidence` rows inside the caller's
// transaction, lists them, and serves their files to the order's parties and operators.
import { asc, count, eq, inArray } from 'drizzle-orm';
import { canFile } from '$lib/domain/trade/dispute';
import type { TradePolicy } from '$lib/domain/trade/policy';
import type { EvidenceKind, EvidenceView } from '$lib/trade/disputes';
import type { Principal } from '../auth/principal';
import { db, type DbOrTx, type Tx } from '../db';
import { tradeDisputeEvidence, tradeDisputes } from '../db/schema';
import { AppError } from '../errors';
import { mediaStorage } from '../platform/storage';
import { currentPolicy } from '../platform/policy';
import { completedUpload, tooLarge } from '../uploads';
import { orderFor } from './sides';
import { orderNotFound } from './transition';

export type EvidenceRow = typeof tradeDisputeEvidence.$inferSelect;
export type { EvidenceView };

/** The evidence kind of a (sniffed) content type. */
export function evidenceKind(mime: string): EvidenceKind {
	if (mime.startsWith('image/')) return 'photo';
	if (mime.startsWith('video/')) return 'video';
	return 'pdf';
}

const FILEABLE = new Set(['arrived', 'inspecting']);

/**
 * May `p` upload a file of `size` bytes as evidence about order `orderId`? The order's buyer
 * while a dispute may still be filed (arrived or inspecting, inside the window) or while its
 * dispute is open; the order's supplier while its dispute is open. Someone else's order → 404;
 * an operator (who rules, but brings no evidence) → 403; no open dispute and no filing → 409;
 * over the policy's size → 413 `too_large` naming `size`.
 */
export async function canAttachEvidence(
	p: Principal,
	orderId: string,
	now: Date,
	size: number,
	policy: TradePolicy = currentPolicy().trade
): Promise<void> {
	const { order, side } = await orderFor(p, orderId, db());
	if (side === 'operator')
		throw new AppError('forbidden', 'wrong_actor', 'trade.dispute.err.evidence_party', {
			field: 'refId'
		});
	const [dispute] = await db()
		.select({ state: tradeDisputes.state })
		.from(tradeDisputes)
		.where(eq(tradeDisputes.orderId, order.id));
	const open = dispute ? dispute.state !== 'closed' : false;
	const filing =
		!dispute &&
		side === 'buyer' &&
		FILEABLE.has(order.state) &&
		canFile(order.arrivedAt, now, policy).ok;
	if (!open && !filing)
		throw new AppError('conflict', 'dispute_state', 'trade.dispute.err.evidence_closed', {
			field: 'refId'
		});
	if (size > policy.disputes.evidenceMaxBytes)
		throw tooLarge(policy.disputes.evidenceMaxBytes, 'size');
}

/**
 * Adds the caller's finished evidence uploads for the dispute's order to the dispute, in the
 * caller's transaction (all or nothing). Each refusal names `evidence.<i>.uploadId`: an upload
 * that is unfinished, not the caller's organisation's, of another order or purpose, or already
 * evidence is 422; more files than `disputes.maxEvidenceFiles` is 422 naming `evidence`.
 */
export async function attachEvidence(
	tx: Tx,
	p: Principal,
	dispute: { id: string; orderId: string },
	party: 'buyer' | 'supplier',
	items: readonly { uploadId: string }[],
	now: Date,
	policy: TradePolicy = currentPolicy().trade
): Promise<EvidenceRow[]> {
	if (items.length === 0) return [];
	const [have] = await tx
		.select({ n: count() })
		.from(tradeDisputeEvidence)
		.where(eq(tradeDisputeEvidence.disputeId, dispute.id));
	const max = policy.disputes.maxEvidenceFiles;
	if ((have?.n ?? 0) + items.length > max)
		throw new AppError('rule', 'too_many_files', 'trade.dispute.err.evidence_many', {
			field: 'evidence',
			params: { max }
		});
	const ids = items.map((i) => i.uploadId.toLowerCase());
	const used = new Set(
		(
			await tx
				.select({ uploadId: tradeDisputeEvidence.uploadId })
				.from(tradeDisputeEvidence)
				.where(inArray(tradeDisputeEvidence.uploadId, ids))
		).map((r) => r.uploadId)
	);
	const seen = new Set<string>();
	const rows: (typeof tradeDisputeEvidence.$inferInsert)[] = [];
	for (const [i, id] of ids.entries()) {
		const field = `evidence.${i}.uploadId`;
		if (seen.has(id) || used.has(id))
			throw new AppError('rule', 'evidence_used', 'trade.dispute.err.evidence_used', { field });
		seen.add(id);
		let up;
		try {
			up = await completedUpload(p, id, { purpose: 'dispute_evidence', refId: dispute.orderId });
		} catch (err) {
			if (!(err instanceof AppError)) throw err;
			// Someone else's upload is not named as such (no hint that it exists): one refusal.
			throw err.code === 'upload_incomplete'
				? new AppError('rule', 'upload_incomplete', 'trade.dispute.err.evidence_incomplete', {
						field
					})
				: new AppError('rule', 'upload_unknown', 'trade.dispute.err.evidence_unknown', {
						field
					});
		}
		rows.push({
			disputeId: dispute.id,
			uploadId: up.id,
			kind: evidenceKind(up.mime),
			name: up.name,
			storageKey: up.key,
			bytes: up.size,
			contentType: up.mime,
			party,
			orgId: p.orgId!,
			uploadedBy: p.userId,
			at: now
		});
	}
	return tx.insert(tradeDisputeEvidence).values(rows).returning();
}

export function evidenceView(r: EvidenceRow): EvidenceView {
	return {
		id: r.id,
		kind: r.kind,
		name: r.name,
		url: mediaStorage().url(r.storageKey),
		bytes: r.bytes,
		mime: r.contentType,
		party: r.party,
		at: r.at.toISOString()
	};
}

/** A dispute's evidence, oldest first (the caller has checked who is asking). */
export async function evidenceOf(tx: DbOrTx, disputeId: string): Promise<EvidenceView[]> {
	const rows = await tx
		.select()
		.from(tradeDisputeEvidence)
		.where(eq(tradeDisputeEvidence.disputeId, disputeId))
		.orderBy(asc(tradeDisputeEvidence.at), asc(tradeDisputeEvidence.id));
	return rows.map(evidenceView);
}

const EVIDENCE_KEY =
	/^trade\/disputes\/([0-9a-f-]{36})\/[A-Za-z0-9_-]+\.(png|jpg|webp|mp4|webm|mov|pdf)$/;
const EVIDENCE_MIME: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	webp: 'image/webp',
	mp4: 'video/mp4',
	webm: 'video/webm',
	mov: 'video/quicktime',
	pdf: 'application/pdf'
};

/**
 * An evidence file for the /media route (`trade/disputes/<order>/<upload>.<ext>`): the order's
 * buyer, its supplier and operators; anyone else (or a malformed key) 404.
 */
export async function openEvidenceMedia(p: Principal, key: string) {
	const m = EVIDENCE_KEY.exec(key);
	if (!m) throw orderNotFound();
	await orderFor(p, m[1]!, db());
	const file = await mediaStorage().get(key);
	if (!file) throw orderNotFound();
	return { ...file, mime: EVIDENCE_MIME[m[2]!] ?? 'application/octet-stream' };
}

/** For the pages: the id of the order's dispute, if the caller may see the order and it has one. */
export async function disputeIdOfOrder(p: Principal, orderId: string): Promise<string | null> {
	const { order } = await orderFor(p, orderId, db());
	const [row] = await db()
		.select({ id: tradeDisputes.id })
		.from(tradeDisputes)
		.where(eq(tradeDisputes.orderId, order.id));
	return row?.id ?? null;
}
