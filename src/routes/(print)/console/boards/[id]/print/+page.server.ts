import { requirePrincipal } from '$lib/server/auth/principal';
import { runOfShow } from '$lib/server/boards/export';
import { pageLoad } from '$lib/server/edge';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = pageLoad(async ({ locals, params }) => {
	const { board, meta, rows } = await runOfShow(requirePrincipal(locals), params.id);
	return {
		board: { id: board.id, name: board.name, teamName: board.teamName },
		meta,
		rows,
		generatedAt: new Date().toISOString()
	};
});
