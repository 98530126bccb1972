// Buyer–supplier messages (issue 20, docs/TRADE.md "Messages: the service"): one conversation
// per trade order, sample request and dispute. Append-only and tamper-evident: each message
// stores the previous message's hash and its own SHA-256 over `prevHash \n canonicalJSON`
// (domain/trade/chain.ts), seq 1, 2, 3… under the conversation row's lock; a trigger refuses
// UPDATE and DELETE on trade_messages. Only the parties see a conversation: the order's (or
// sample's) buyer organisation and supplier; operators read every conversation and join a
// dispute's. Anyone else is told it does not exist (404).
import { createHash } from 'node:crypto';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import {
	messageHash,
	verifyChain as verifyChainPure,
	type ChainMessage
} from '$lib/domain/trade/chain';
import { isOperator, isSupplier, type Principal } from '../auth/principal';
import { db, type DbOrTx, type Tx } from '../db';
import {
	tradeConversations,
	tradeDisputes,
	tradeMessageReads,
	tradeMessages,
	tradeOrders,
	tradeSamples
} from '../db/schema';
import { AppError, parse } from '../errors';
import { publishInTx, transaction } from '../events/bus';
import type { TradeMessageCreated } from '../events/map';
import { isUuid } from '../ids';
import { mediaStorage } from '../platform/storage';
import { completedUpload } from '../uploads';
import { z } from '../validation';

export const CONVERSATION_KINDS = ['order', 'sample', 'dispute'] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];
export interface ConversationSubject {
	kind: ConversationKind;
	id: string;
}
export type MessageParty = 'buyer' | 'supplier' | 'operator' | 'system';
export type ConversationRow = typeof tradeConversations.$inferSelect;
type MessageRow = typeof tradeMessages.$inferSelect;

/** The longest message text (characters). */
export const MESSAGE_BODY_MAX = 4000;
/** The most attachments one message carries. */
export const MESSAGE_ATTACHMENTS_MAX = 10;
/** One page of messages. */
const PAGE = 500;

export interface MessageAttachmentView {
	key: string;
	kind: 'photo' | 'video' | 'file';
	name: string;
	bytes: number;
	url: string;
}

export interface MessageView {
	seq: number;
	party: MessageParty;
	senderUserId: string | null;
	/** True when the caller's side wrote it. */
	mine: boolean;
	body: string;
	attachments: MessageAttachmentView[];
	prevHash: string;
	hash: string;
	at: string;
}

export interface ConversationView {
	id: string;
	kind: ConversationKind;
	subjectId: string;
	/** The caller's side in it. */
	side: 'buyer' | 'supplier' | 'operator';
	/** May the caller send (operators only in a dispute's). */
	canSend: boolean;
	lastSeq: number;
	headHash: string;
	/** The caller's read mark (0 for an API token, which has no user). */
	readSeq: number;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export const conversationNotFound = () =>
	new AppError('not_found', 'not_found', 'trade.msg.err.not_found');

/** A raw subject as the service takes it; a malformed kind or id is 404 (nothing to find). */
export function subjectOf(kind: unknown, id: unknown): ConversationSubject {
	if (
		typeof kind !== 'string' ||
		!(CONVERSATION_KINDS as readonly string[]).includes(kind) ||
		typeof id !== 'string' ||
		!isUuid(id)
	)
		throw conversationNotFound();
	return { kind: kind as ConversationKind, id: id.toLowerCase() };
}

/** The buyer organisation and supplier of a subject, or null when it does not exist. */
async function partiesOf(
	tx: DbOrTx,
	subject: ConversationSubject
): Promise<{ buyerOrgId: string; supplierId: string } | null> {
	if (subject.kind === 'order') {
		const [o] = await tx
			.select({ buyerOrgId: tradeOrders.buyerOrgId, supplierId: tradeOrders.supplierId })
			.from(tradeOrders)
			.where(eq(tradeOrders.id, subject.id));
		return o ?? null;
	}
	if (subject.kind === 'sample') {
		const [s] = await tx
			.select({ buyerOrgId: tradeSamples.buyerOrgId, supplierId: tradeSamples.supplierId })
			.from(tradeSamples)
			.where(eq(tradeSamples.id, subject.id));
		return s ?? null;
	}
	const [d] = await tx
		.select({ buyerOrgId: tradeOrders.buyerOrgId, supplierId: tradeOrders.supplierId })
		.from(tradeDisputes)
		.innerJoin(tradeOrders, eq(tradeOrders.id, tradeDisputes.orderId))
		.where(eq(tradeDisputes.id, subject.id));
	return d ?? null;
}

/** The caller's side of a conversation between these parties, or null when none. */
function sideIn(
	p: Principal,
	parties: { buyerOrgId: string; supplierId: string }
): 'buyer' | 'supplier' | 'operator' | null {
	if (isOperator(p)) return 'operator';
	if (p.orgKind === 'buyer' && p.orgId && p.orgId === parties.buyerOrgId) return 'buyer';
	if (isSupplier(p) && p.orgId === parties.supplierId) return 'supplier';
	return null;
}

function canSendAs(side: 'buyer' | 'supplier' | 'operator', kind: ConversationKind): boolean {
	return side !== 'operator' || kind === 'dispute';
}

/** Finds or creates the subject's conversation (no authorisation: callers check). */
async function ensureConversation(
	tx: DbOrTx,
	subject: ConversationSubject,
	parties: { buyerOrgId: string; supplierId: string }
): Promise<ConversationRow> {
	const [found] = await tx
		.select()
		.from(tradeConversations)
		.where(
			and(eq(tradeConversations.kind, subject.kind), eq(tradeConversations.subjectId, subject.id))
		);
	if (found) return found;
	await tx
		.insert(tradeConversations)
		.values({ kind: subject.kind, subjectId: subject.id, ...parties })
		.onConflictDoNothing();
	const [row] = await tx
		.select()
		.from(tradeConversations)
		.where(
			and(eq(tradeConversations.kind, subject.kind), eq(tradeConversations.subjectId, subject.id))
		);
	return row!;
}

/**
 * The subject's conversation for `p` (created on first use), with the caller's side. Only the
 * parties: anyone else (and an unknown subject) → 404.
 */
export async function conversationFor(
	tx: DbOrTx,
	p: Principal,
	subject: ConversationSubject
): Promise<{ conversation: ConversationRow; side: 'buyer' | 'supplier' | 'operator' }> {
	const s = subjectOf(subject.kind, subject.id);
	const parties = await partiesOf(tx, s);
	if (!parties) throw conversationNotFound();
	const side = sideIn(p, parties);
	if (!side) throw conversationNotFound();
	return { conversation: await ensureConversation(tx, s, parties), side };
}

/** A conversation by id for `p` (404 when not a party), for read marks and uploads. */
export async function conversationById(
	tx: DbOrTx,
	p: Principal,
	conversationId: unknown
): Promise<{ conversation: ConversationRow; side: 'buyer' | 'supplier' | 'operator' }> {
	if (typeof conversationId !== 'string' || !isUuid(conversationId)) throw conversationNotFound();
	const [row] = await tx
		.select()
		.from(tradeConversations)
		.where(eq(tradeConversations.id, conversationId.toLowerCase()));
	if (!row) throw conversationNotFound();
	const side = sideIn(p, row);
	if (!side) throw conversationNotFound();
	return { conversation: row, side };
}

function attachmentKind(mime: string): 'photo' | 'video' | 'file' {
	if (mime.startsWith('image/')) return 'photo';
	if (mime.startsWith('video/')) return 'video';
	return 'file';
}

const wellFormed = (v: string) => v.isWellFormed();

export const PostMessageInput = z
	.object({
		body: z
			.string({ error: 'v.string' })
			.max(MESSAGE_BODY_MAX, { error: 'trade.msg.err.body_long' })
			.refine(wellFormed, { error: 'input.err.control_chars' })
			.default(''),
		/** Completed resumable uploads (purpose `message_attachment`, this conversation's id). */
		attachments: z
			.array(z.object({ uploadId: z.uuid({ error: 'input.err.id' }) }).strict(), {
				error: 'v.array'
			})
			.max(MESSAGE_ATTACHMENTS_MAX, { error: 'trade.msg.err.attachments_many' })
			.default([])
	})
	.strict();

function mediaUrl(key: string): string {
	return `/media/${key}`;
}

function view(row: MessageRow, side: string): MessageView {
	return {
		seq: row.seq,
		party: row.party,
		senderUserId: row.senderUserId,
		mine: row.party === side,
		body: row.body,
		attachments: row.attachments.map((a) => ({ ...a, url: mediaUrl(a.key) })),
		prevHash: row.prevHash,
		hash: row.hash,
		at: row.at.toISOString()
	};
}

/**
 * Appends a message under the conversation row's lock (seq = last + 1, prev hash = head), moves
 * the head and publishes `trade.message.created` (sockets after commit). In `tx`.
 */
async function append(
	tx: Tx,
	conversationId: string,
	author: { party: MessageParty; userId: string | null },
	body: string,
	attachments: ChainMessage['attachments'] & MessageRow['attachments'],
	now: Date
): Promise<MessageRow> {
	const [conv] = await tx
		.select()
		.from(tradeConversations)
		.where(eq(tradeConversations.id, conversationId))
		.for('update');
	if (!conv) throw conversationNotFound();
	const seq = conv.lastSeq + 1;
	const at = new Date(Math.floor(now.getTime()));
	const msg: ChainMessage = {
		conversationId,
		seq,
		party: author.party,
		senderUserId: author.userId,
		body,
		attachments,
		at: at.toISOString()
	};
	const hash = messageHash(conv.headHash, msg, sha256);
	const [row] = await tx
		.insert(tradeMessages)
		.values({
			conversationId,
			seq,
			party: author.party,
			senderUserId: author.userId,
			body,
			attachments: [...attachments],
			prevHash: conv.headHash,
			hash,
			at
		})
		.returning();
	await tx
		.update(tradeConversations)
		.set({ lastSeq: seq, headHash: hash })
		.where(eq(tradeConversations.id, conversationId));
	const event: TradeMessageCreated = {
		conversationId,
		kind: conv.kind,
		subjectId: conv.subjectId,
		buyerOrgId: conv.buyerOrgId,
		supplierId: conv.supplierId,
		seq,
		hash,
		party: author.party,
		senderUserId: author.userId,
		at
	};
	await publishInTx(tx, 'trade.message.created', event);
	return row!;
}

async function setRead(
	tx: DbOrTx,
	conversationId: string,
	userId: string,
	seq: number,
	now: Date
): Promise<number> {
	const [row] = await tx
		.insert(tradeMessageReads)
		.values({ conversationId, userId, readSeq: seq, at: now })
		.onConflictDoUpdate({
			target: [tradeMessageReads.conversationId, tradeMessageReads.userId],
			set: {
				readSeq: sql`greatest(${tradeMessageReads.readSeq}, excluded.read_seq)`,
				at: now
			}
		})
		.returning({ readSeq: tradeMessageReads.readSeq });
	return row?.readSeq ?? seq;
}

/**
 * Sends a message: raw `{body, attachments?: [{uploadId}]}`; text or at least one attachment.
 * Attachments are the caller's completed uploads for this conversation (an attachment over the
 * size limit was refused when its upload was announced: 413 naming `size`). All or nothing.
 */
export async function postMessage(
	p: Principal,
	subject: ConversationSubject,
	raw: unknown,
	now: Date = new Date()
): Promise<{ conversation: ConversationView; message: MessageView }> {
	const s = subjectOf(subject.kind, subject.id);
	return transaction(async (tx) => {
		const { conversation, side } = await conversationFor(tx, p, s);
		if (!canSendAs(side, s.kind))
			throw new AppError('forbidden', 'wrong_actor', 'trade.msg.err.read_only');
		const input = parse(PostMessageInput, raw);
		const body = input.body.trim();
		const files: MessageRow['attachments'] = [];
		const seen = new Set<string>();
		for (const [i, a] of input.attachments.entries()) {
			if (seen.has(a.uploadId))
				throw new AppError('invalid', 'invalid_input', 'trade.msg.err.attachment_twice', {
					field: `attachments.${i}.uploadId`
				});
			seen.add(a.uploadId);
			let up;
			try {
				up = await completedUpload(p, a.uploadId, {
					purpose: 'message_attachment',
					refId: conversation.id
				});
			} catch (err) {
				if (err instanceof AppError)
					throw new AppError(err.kind, err.code, err.message, {
						...(err.params ? { params: err.params } : {}),
						field: `attachments.${i}.uploadId`
					});
				throw err;
			}
			files.push({
				key: up.key,
				kind: attachmentKind(up.mime),
				name: up.key.split('/').pop() ?? up.key,
				bytes: up.size
			});
		}
		if (body === '' && files.length === 0)
			throw new AppError('invalid', 'invalid_input', 'trade.msg.err.empty', { field: 'body' });
		const row = await append(
			tx,
			conversation.id,
			{ party: side, userId: p.userId },
			body,
			files,
			now
		);
		const readSeq = p.userId ? await setRead(tx, conversation.id, p.userId, row.seq, now) : 0;
		return {
			conversation: {
				id: conversation.id,
				kind: conversation.kind,
				subjectId: conversation.subjectId,
				side,
				canSend: true,
				lastSeq: row.seq,
				headHash: row.hash,
				readSeq
			},
			message: view(row, side)
		};
	});
}

/**
 * A step of a dispute (or any subject) logged into its record by the system: no principal,
 * author `system`. Runs in the caller's transaction (opened by the bus's `transaction`), so the
 * step and its record commit together. The subject must exist.
 */
export async function systemMessage(
	tx: Tx,
	subject: ConversationSubject,
	body: string,
	now: Date = new Date()
): Promise<MessageView> {
	const s = subjectOf(subject.kind, subject.id);
	const parties = await partiesOf(tx, s);
	if (!parties) throw conversationNotFound();
	const conv = await ensureConversation(tx, s, parties);
	const text = body.trim().slice(0, MESSAGE_BODY_MAX);
	const row = await append(tx, conv.id, { party: 'system', userId: null }, text, [], now);
	return view(row, 'system');
}

export const ListMessagesQuery = z
	.object({
		after: z.coerce
			.number({ error: 'v.integer' })
			.int({ error: 'v.integer' })
			.min(0)
			.max(2_147_483_647)
			.optional()
	})
	.strict();

/** The conversation and its messages after seq `after` (default 0: from the start), in order. */
export async function listMessages(
	p: Principal,
	subject: ConversationSubject,
	opts: { after?: unknown } = {}
): Promise<{ conversation: ConversationView; messages: MessageView[] }> {
	const s = subjectOf(subject.kind, subject.id);
	const q = parse(ListMessagesQuery, opts.after === undefined ? {} : { after: opts.after });
	return transaction(async (tx) => {
		const { conversation, side } = await conversationFor(tx, p, s);
		const rows = await tx
			.select()
			.from(tradeMessages)
			.where(
				and(eq(tradeMessages.conversationId, conversation.id), gt(tradeMessages.seq, q.after ?? 0))
			)
			.orderBy(asc(tradeMessages.seq))
			.limit(PAGE);
		let readSeq = 0;
		if (p.userId) {
			const [r] = await tx
				.select({ readSeq: tradeMessageReads.readSeq })
				.from(tradeMessageReads)
				.where(
					and(
						eq(tradeMessageReads.conversationId, conversation.id),
						eq(tradeMessageReads.userId, p.userId)
					)
				);
			readSeq = r?.readSeq ?? 0;
		}
		return {
			conversation: {
				id: conversation.id,
				kind: conversation.kind,
				subjectId: conversation.subjectId,
				side,
				canSend: canSendAs(side, conversation.kind),
				lastSeq: conversation.lastSeq,
				headHash: conversation.headHash,
				readSeq
			},
			messages: rows.map((r) => view(r, side))
		};
	});
}

export const MarkReadInput = z
	.object({
		seq: z.number({ error: 'v.integer' }).int({ error: 'v.integer' }).min(0).max(2_147_483_647)
	})
	.strict();

/**
 * The caller has read up to `seq` (never moves back; capped at the last message). A token has no
 * user to mark for: 403.
 */
export async function markRead(
	p: Principal,
	conversationId: unknown,
	raw: unknown,
	now: Date = new Date()
): Promise<{ conversationId: string; readSeq: number }> {
	const { conversation } = await conversationById(db(), p, conversationId);
	const { seq } = parse(MarkReadInput, raw);
	if (!p.userId) throw new AppError('forbidden', 'forbidden', 'trade.msg.err.no_user');
	const readSeq = await setRead(
		db(),
		conversation.id,
		p.userId,
		Math.min(seq, conversation.lastSeq),
		now
	);
	return { conversationId: conversation.id, readSeq };
}

export interface UnreadView {
	total: number;
	conversations: {
		id: string;
		kind: ConversationKind;
		subjectId: string;
		lastSeq: number;
		unread: number;
		lastAt: string | null;
	}[];
}

/**
 * Messages the caller has not read, per conversation (the other side's and the system's; the
 * caller's own side's never count). Buyers and suppliers: their organisation's conversations;
 * operators: disputes'. A token has no read marks: empty.
 */
export async function unreadCounts(p: Principal): Promise<UnreadView> {
	if (!p.userId) return { total: 0, conversations: [] };
	const side = isOperator(p)
		? 'operator'
		: p.orgKind === 'buyer' && p.orgId
			? 'buyer'
			: isSupplier(p) && p.orgId
				? 'supplier'
				: null;
	if (!side) return { total: 0, conversations: [] };
	const mine =
		side === 'operator'
			? eq(tradeConversations.kind, 'dispute')
			: side === 'buyer'
				? eq(tradeConversations.buyerOrgId, p.orgId!)
				: eq(tradeConversations.supplierId, p.orgId!);
	const rows = await db()
		.select({
			id: tradeConversations.id,
			kind: tradeConversations.kind,
			subjectId: tradeConversations.subjectId,
			lastSeq: tradeConversations.lastSeq,
			unread: sql<number>`(select count(*)::int from ${tradeMessages} m
				where m.conversation_id = ${tradeConversations.id}
				and m.seq > coalesce(${tradeMessageReads.readSeq}, 0)
				and m.party <> ${side})`,
			lastAt: sql<Date | null>`(select max(m.at) from ${tradeMessages} m
				where m.conversation_id = ${tradeConversations.id})`
		})
		.from(tradeConversations)
		.leftJoin(
			tradeMessageReads,
			and(
				eq(tradeMessageReads.conversationId, tradeConversations.id),
				eq(tradeMessageReads.userId, p.userId)
			)
		)
		.where(and(mine, gt(tradeConversations.lastSeq, 0)))
		.orderBy(sql`${tradeConversations.createdAt} desc`)
		.limit(500);
	const conversations = rows
		.map((r) => ({
			id: r.id,
			kind: r.kind,
			subjectId: r.subjectId,
			lastSeq: r.lastSeq,
			unread: Number(r.unread),
			lastAt: r.lastAt ? new Date(r.lastAt).toISOString() : null
		}))
		.sort((a, b) => (b.lastAt ?? '').localeCompare(a.lastAt ?? ''));
	return { total: conversations.reduce((n, c) => n + c.unread, 0), conversations };
}

/**
 * Recomputes a conversation's chain from the stored rows: seqs without gaps, each prev hash the
 * previous hash, each hash recomputed, and the head on the conversation row the last hash (so a
 * removed last message shows too). `brokenAt` is the first bad seq.
 */
export async function verifyChain(
	conversationId: string,
	tx: DbOrTx = db()
): Promise<{ ok: boolean; brokenAt?: number; count: number }> {
	const [conv] = await tx
		.select()
		.from(tradeConversations)
		.where(eq(tradeConversations.id, conversationId));
	if (!conv) throw conversationNotFound();
	const rows = await tx
		.select()
		.from(tradeMessages)
		.where(eq(tradeMessages.conversationId, conversationId))
		.orderBy(asc(tradeMessages.seq));
	const broken = verifyChainPure(
		rows.map((r) => ({
			conversationId: r.conversationId,
			seq: r.seq,
			party: r.party,
			senderUserId: r.senderUserId,
			body: r.body,
			attachments: r.attachments,
			at: r.at.toISOString(),
			prevHash: r.prevHash,
			hash: r.hash
		})),
		sha256
	);
	if (broken !== null) return { ok: false, brokenAt: broken, count: rows.length };
	const last = rows.at(-1);
	if (rows.length !== conv.lastSeq || (last?.hash ?? '') !== conv.headHash)
		return { ok: false, brokenAt: rows.length + 1, count: rows.length };
	return { ok: true, count: rows.length };
}

/** The whole record for the export page: conversation, every message and the chain check. */
export async function exportConversation(
	p: Principal,
	subject: ConversationSubject
): Promise<{
	conversation: ConversationView;
	messages: MessageView[];
	check: { ok: boolean; brokenAt?: number; count: number };
}> {
	const s = subjectOf(subject.kind, subject.id);
	const { conversation, side } = await transaction((tx) => conversationFor(tx, p, s));
	const rows = await db()
		.select()
		.from(tradeMessages)
		.where(eq(tradeMessages.conversationId, conversation.id))
		.orderBy(asc(tradeMessages.seq));
	const check = await verifyChain(conversation.id);
	return {
		conversation: {
			id: conversation.id,
			kind: conversation.kind,
			subjectId: conversation.subjectId,
			side,
			canSend: canSendAs(side, conversation.kind),
			lastSeq: conversation.lastSeq,
			headHash: conversation.headHash,
			readSeq: 0
		},
		messages: rows.map((r) => view(r, side)),
		check
	};
}

/** May `p` upload a message attachment for this conversation (a party that may send)? */
export async function canAttachToConversation(p: Principal, conversationId: string): Promise<void> {
	const { conversation, side } = await conversationById(db(), p, conversationId);
	if (!canSendAs(side, conversation.kind))
		throw new AppError('forbidden', 'wrong_actor', 'trade.msg.err.read_only', { field: 'refId' });
}

/** For the socket: the conversation id if `p` may watch it (404 otherwise). */
export async function watchableConversation(
	p: Principal,
	subject: ConversationSubject
): Promise<ConversationView> {
	const s = subjectOf(subject.kind, subject.id);
	return (await listMessages(p, s, { after: 2_147_483_647 })).conversation;
}

const MESSAGE_KEY =
	/^trade\/messages\/([0-9a-f-]{36})\/[A-Za-z0-9_-]+\.(png|jpg|webp|mp4|webm|mov|pdf)$/;
const MESSAGE_MIME: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	webp: 'image/webp',
	mp4: 'video/mp4',
	webm: 'video/webm',
	mov: 'video/quicktime',
	pdf: 'application/pdf'
};

/** A message attachment for the /media route: the conversation's parties only (404 otherwise). */
export async function openMessageMedia(p: Principal, key: string) {
	const m = MESSAGE_KEY.exec(key);
	if (!m) throw conversationNotFound();
	await conversationById(db(), p, m[1]);
	const file = await mediaStorage().get(key);
	if (!file) throw conversationNotFound();
	return { ...file, mime: MESSAGE_MIME[m[2]!] ?? 'application/octet-stream' };
}

/** POST …/{kind}/{id}/read: the subject's conversation, then the read mark. */
export async function markReadOf(
	p: Principal,
	kind: unknown,
	id: unknown,
	raw: unknown,
	now: Date = new Date()
): Promise<{ conversationId: string; readSeq: number }> {
	const s = subjectOf(kind, id);
	const { conversation } = await transaction((tx) => conversationFor(tx, p, s));
	return markRead(p, conversation.id, raw, now);
}
