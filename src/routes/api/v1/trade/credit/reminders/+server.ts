import { json } from '@sveltejs/kit';
import { requirePrincipal } from '$lib/server/auth/principal';
import { api } from '$lib/server/http';
import { creditReminders } from '$lib/server/trade';
import type { RequestHandler } from './$types';

/** Buyers: the reminders sent for the organisation's open invoices (due soon, overdue). */
export const GET: RequestHandler = api(async ({ locals }) =>
	json({ reminders: await creditReminders(requirePrincipal(locals)) })
);
