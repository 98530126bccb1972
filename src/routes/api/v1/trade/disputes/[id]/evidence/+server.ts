import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { addEvidenceBody } from '$lib/server/trade/dispute-api';
import { evidenceView } from '$lib/server/trade/dispute-evidence';
import type { RequestHandler } from './$types';

/** A party adds finished evidence uploads to its open dispute (docs/TRADE.md "Disputes: the service"). */
export const POST: RequestHandler = api(async ({ locals, params, request }) => {
	const r = await addEvidenceBody(requirePrincipal(locals), params.id, await readJson(request));
	return json({ dispute: r.dispute, evidence: r.added.map(evidenceView) }, { status: 201 });
});
