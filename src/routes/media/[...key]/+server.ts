import { openMedia } from '$lib/server/catalog';
import { openClaimPhoto } from '$lib/server/orders/claim-photos';
import { openMessageMedia, openTradeMedia } from '$lib/server/trade';
import { openEvidenceMedia } from '$lib/server/trade/dispute-evidence';
import { AppError, notFound, unauthenticated } from '$lib/server/errors';
import { pageError } from '$lib/server/edge';
import type { RequestHandler } from './$types';

/**
 * Uploaded media, after checking who may see it: a lot's media follow the lot (catalog lots for
 * anyone signed in; otherwise its supplier and operators); supplier documents only their
 * supplier and operators. Served with its stored type and no sniffing.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const principal = locals.principal;
	try {
		if (!principal) throw unauthenticated();
		// Claim photos follow their parcel, trade inspection media their trade order (its buyer,
		// supplier and operators); everything else is the catalog's.
		const file = params.key.startsWith('claims/')
			? await openClaimPhoto(principal, params.key)
			: params.key.startsWith('trade/messages/')
				? await openMessageMedia(principal, params.key)
				: params.key.startsWith('trade/disputes/')
					? await openEvidenceMedia(principal, params.key)
					: params.key.startsWith('trade/')
						? await openTradeMedia(principal, params.key)
						: await openMedia(principal, params.key);
		return new Response(file.body, {
			headers: {
				'content-type': file.mime,
				'content-length': String(file.size),
				'cache-control': 'private, max-age=3600',
				// nosniff and a sandboxing CSP come with every response (server/security-headers.js)
				'content-disposition': 'inline'
			}
		});
	} catch (e) {
		// Someone else's file is not there for this caller (no hint that it exists).
		if (e instanceof AppError && (e.status === 404 || e.status === 403))
			throw pageError(notFound('Media'), { locals });
		throw pageError(e, { locals });
	}
};
