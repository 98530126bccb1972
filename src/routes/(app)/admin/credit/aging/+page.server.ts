import { requirePrincipal } from '$lib/server/auth/principal';
import { pageLoad } from '$lib/server/edge';
import { agingReport } from '$lib/server/trade';
import type { PageServerLoad } from './$types';

/** Operators: outstanding invoices per buyer by days overdue (CSV/XLSX through the API). */
export const load: PageServerLoad = pageLoad(async ({ locals }) => ({
	rows: await agingReport(requirePrincipal(locals))
}));
