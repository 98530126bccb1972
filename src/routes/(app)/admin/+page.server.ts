import { listSuppliers, searchLots, setSupplierStatus, unblockLot } from '$lib/server/catalog';
import { requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import { platformOverview } from '$lib/server/overview/service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals }) => {
	const principal = requirePrincipal(locals);
	const [overview, suppliers, blocked] = await Promise.all([
		platformOverview(),
		listSuppliers(principal),
		searchLots(
			{ sort: 'newest', limit: 50 },
			{ actor: principal, scope: { kind: 'all', status: ['blocked'] } }
		)
	]);
	return { overview, suppliers, blocked: blocked.items };
});

export const actions: Actions = {
	supplierStatus: formAction(
		undefined,
		async ({ principal, values }) => {
			await setSupplierStatus(principal(), values.orgId ?? '', {
				status: values.status,
				reason: values.reason || undefined
			});
			return { action: `supplier:${values.orgId}`, done: true };
		},
		{ action: (values) => `supplier:${values.orgId}` }
	),
	unblockLot: formAction(
		undefined,
		async ({ principal, values }) => {
			await unblockLot(principal(), values.lotId ?? '');
			return { action: 'unblock', done: true };
		},
		{ action: 'unblock' }
	)
};
