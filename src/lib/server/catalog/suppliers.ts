// Suppliers: admission (operator), profiles and authorisation documents.
import type { Principal } from '../auth/principal';
import { asc, eq, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { db, type DbOrTx } from '../db';
import { brands, lots, orgs, supplierDocuments, suppliers } from '../db/schema';
import { AppError, forbidden, notFound, parse } from '../errors';
import { isOperator, requireOperator } from './actor';
import { SupplierStatusInput } from './schemas';
import { EXT_BY_MIME, mediaStorage, mediaUrl, sniffMime } from '../platform/storage';

export async function getSupplier(orgId: string, tx: DbOrTx = db()) {
	const [row] = await tx
		.select({
			orgId: suppliers.orgId,
			name: orgs.name,
			type: suppliers.type,
			status: suppliers.status,
			province: suppliers.province,
			city: suppliers.city,
			description: suppliers.description,
			statusReason: suppliers.statusReason,
			statusChangedAt: suppliers.statusChangedAt,
			createdAt: suppliers.createdAt
		})
		.from(suppliers)
		.innerJoin(orgs, eq(orgs.id, suppliers.orgId))
		.where(eq(suppliers.orgId, orgId))
		.limit(1);
	return row ?? null;
}

/** Operator: every supplier with its lot counts and documents, pending first. */
export async function listSuppliers(actor: Principal) {
	requireOperator(actor);
	const rows = await db()
		.select({
			orgId: suppliers.orgId,
			name: orgs.name,
			type: suppliers.type,
			status: suppliers.status,
			province: suppliers.province,
			city: suppliers.city,
			statusReason: suppliers.statusReason,
			createdAt: suppliers.createdAt,
			lots: sql<number>`(select count(*) from ${lots} where ${lots.supplierId} = ${suppliers.orgId})`.mapWith(
				Number
			),
			documents:
				sql<number>`(select count(*) from ${supplierDocuments} where ${supplierDocuments.supplierId} = ${suppliers.orgId})`.mapWith(
					Number
				)
		})
		.from(suppliers)
		.innerJoin(orgs, eq(orgs.id, suppliers.orgId))
		.orderBy(
			sql`case ${suppliers.status} when 'pending' then 0 when 'admitted' then 1 else 2 end`,
			asc(orgs.name)
		);
	return rows;
}

/** Operator: admit, block or send back to review. Blocking hides all the supplier's lots. */
export async function setSupplierStatus(actor: Principal, orgId: string, raw: unknown) {
	requireOperator(actor);
	const input = parse(SupplierStatusInput, raw);
	if (input.status === 'blocked' && !input.reason)
		throw new AppError('invalid', 'invalid_input', 'lot.err.reason', { field: 'reason' });
	const rows = await db()
		.update(suppliers)
		.set({
			status: input.status,
			statusReason: input.reason ?? null,
			statusChangedBy: actor.userId,
			statusChangedAt: new Date()
		})
		.where(eq(suppliers.orgId, orgId))
		.returning({ orgId: suppliers.orgId });
	if (rows.length === 0) throw notFound('Supplier');
}

export async function listSupplierDocuments(actor: Principal, orgId: string) {
	if (!isOperator(actor) && actor.orgId !== orgId) throw forbidden();
	const rows = await db()
		.select({
			id: supplierDocuments.id,
			kind: supplierDocuments.kind,
			title: supplierDocuments.title,
			brand: brands.name,
			storageKey: supplierDocuments.storageKey,
			validUntil: supplierDocuments.validUntil,
			createdAt: supplierDocuments.createdAt
		})
		.from(supplierDocuments)
		.leftJoin(brands, eq(brands.id, supplierDocuments.brandId))
		.where(eq(supplierDocuments.supplierId, orgId))
		.orderBy(asc(supplierDocuments.createdAt));
	return rows.map((r) => ({ ...r, url: r.storageKey ? mediaUrl(r.storageKey) : null }));
}

/** A supplier uploads its business licence or a brand authorisation (PDF or image). */
export async function addSupplierDocument(
	actor: Principal,
	input: {
		kind: 'business_license' | 'brand_authorization';
		title: string;
		brandId?: string | null;
		bytes?: Uint8Array;
	}
) {
	if (actor.role !== 'supplier_staff' || !actor.orgId) throw forbidden('lot.err.supplier_only');
	const title = input.title.trim();
	if (!title || title.length > 120)
		throw new AppError('invalid', 'invalid_input', 'lot.err.required', { field: 'title' });
	if (input.kind !== 'business_license' && input.kind !== 'brand_authorization')
		throw new AppError('invalid', 'invalid_input', 'lot.err.document_kind', { field: 'kind' });
	let storageKey: string | null = null;
	if (input.bytes && input.bytes.byteLength > 0) {
		const mime = sniffMime(input.bytes);
		if (!mime || !['application/pdf', 'image/png', 'image/jpeg', 'image/webp'].includes(mime))
			throw new AppError('invalid', 'unsupported_media', 'lot.err.document_type', {
				field: 'file'
			});
		if (input.bytes.byteLength > 20 * 1024 * 1024)
			throw new AppError('invalid', 'too_large', 'lot.err.file_too_large', { field: 'file' });
		storageKey = `suppliers/${actor.orgId}/${randomBytes(12).toString('hex')}.${EXT_BY_MIME[mime]}`;
		await mediaStorage().put(storageKey, input.bytes, mime);
	}
	const [row] = await db()
		.insert(supplierDocuments)
		.values({
			supplierId: actor.orgId,
			kind: input.kind,
			title,
			brandId: input.brandId || null,
			storageKey
		})
		.returning({ id: supplierDocuments.id });
	return { id: row!.id };
}
