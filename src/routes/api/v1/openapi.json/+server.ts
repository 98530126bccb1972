import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/modules';
import type { RequestHandler } from './$types';

/** The OpenAPI 3.1 document (public, no credentials needed). */
export const GET: RequestHandler = ({ url }) =>
	json(openApiDocument(url.origin), { headers: { 'cache-control': 'public, max-age=300' } });
