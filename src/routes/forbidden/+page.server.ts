import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

// Rendered by the role guard and the cross-site check in hooks.server.ts so a refused page gets
// the app's own, translated 403 page (an error thrown inside `handle` would get the bare
// fallback page).
export const load: PageServerLoad = ({ url }) =>
	url.searchParams.get('reason') === 'csrf'
		? error(403, { message: 'csrf', code: 'csrf' })
		: error(403, { message: 'forbidden', code: 'forbidden' });
