import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { inspectionView, recordInspection, startInspection } from '$lib/server/trade';
import { inspectionBody } from '$lib/server/trade/api';
import type { RequestHandler } from './$types';

/** The order's sampling inspection: the drawn pieces and what is recorded so far. */
export const GET: RequestHandler = api(async ({ locals, params }) =>
	json({ inspection: await inspectionView(requirePrincipal(locals), params.id) })
);

/**
 * Without a body: the buyer starts the inspection (arrived → inspecting; the draw comes back).
 * With `{items:[{lineId, piece, result, note?, photos?}], videoUploadId?}`: records results.
 */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const p = requirePrincipal(locals);
	const body = await inspectionBody(request);
	const inspection =
		body === undefined
			? await startInspection(p, params.id)
			: await recordInspection(p, params.id, body);
	return json({ inspection });
});
