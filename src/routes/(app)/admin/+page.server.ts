import { listSuppliers, searchLots, setSupplierStatus, unblockLot } from '$lib/server/catalog';
import { formFailure } from '$lib/server/catalog/form-actions';
import { formObject, requireUser } from '$lib/server/http';
import { platformOverview } from '$lib/server/overview/service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireUser(locals);
	const [overview, suppliers, blocked] = await Promise.all([
		platformOverview(),
		listSuppliers(user),
		searchLots(
			{ sort: 'newest', limit: 50 },
			{ actor: user, scope: { kind: 'all', status: ['blocked'] } }
		)
	]);
	return { overview, suppliers, blocked: blocked.items };
};

export const actions: Actions = {
	supplierStatus: async (event) => {
		const user = requireUser(event.locals);
		const values = formObject(await event.request.formData());
		try {
			await setSupplierStatus(user, values.orgId ?? '', {
				status: values.status,
				reason: values.reason || undefined
			});
		} catch (e) {
			return formFailure(event, e, values, `supplier:${values.orgId}`);
		}
		return { action: `supplier:${values.orgId}`, done: true };
	},
	unblockLot: async (event) => {
		const user = requireUser(event.locals);
		const values = formObject(await event.request.formData());
		try {
			await unblockLot(user, values.lotId ?? '');
		} catch (e) {
			return formFailure(event, e, values, 'unblock');
		}
		return { action: 'unblock', done: true };
	}
};
