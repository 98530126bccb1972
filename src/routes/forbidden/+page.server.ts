import { pageError } from '$lib/server/edge';
import { AppError, forbidden } from '$lib/server/errors';
import type { PageServerLoad } from './$types';

// Rendered by the role guard and the cross-site check in hooks.server.ts so a refused page gets
// the app's own, translated 403 page (an error thrown inside `handle` would get the bare
// fallback page).
export const load: PageServerLoad = ({ locals, url }) => {
	throw pageError(
		url.searchParams.get('reason') === 'csrf'
			? new AppError('forbidden', 'csrf', 'error.csrf')
			: forbidden('error.403'),
		{ locals }
	);
};
