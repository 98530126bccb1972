import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api, readJson } from '$lib/server/http';
import { fileDisputeBody, listDisputes } from '$lib/server/trade/dispute-api';
import type { RequestHandler } from './$types';

/** The caller's disputes, nearest deadline first (every one for operators: the queue). */
export const GET: RequestHandler = api(async ({ locals }) =>
	json({ disputes: await listDisputes(requirePrincipal(locals)) })
);

/** The buyer files a dispute on an order within the inspection window. */
export const POST: RequestHandler = api(async ({ locals, request }) =>
	json(
		{ dispute: await fileDisputeBody(requirePrincipal(locals), await readJson(request)) },
		{ status: 201 }
	)
);
