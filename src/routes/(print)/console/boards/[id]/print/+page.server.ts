import type { Actor } from '$lib/server/auth/service';
import { runOfShow } from '$lib/server/boards/export';
import { orPageError } from '$lib/server/boards/http';
import { requireUser } from '$lib/server/http';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const actor: Actor = { kind: 'user', user: requireUser(locals) };
	const { board, meta, rows } = await orPageError(runOfShow(actor, params.id));
	return {
		board: { id: board.id, name: board.name, teamName: board.teamName },
		meta,
		rows,
		generatedAt: new Date().toISOString()
	};
};
