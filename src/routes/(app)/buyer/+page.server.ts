import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The area's entry opens the orders. */
export const load: PageServerLoad = () => redirect(307, '/buyer/orders');
