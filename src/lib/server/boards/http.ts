import { error } from '@sveltejs/kit';
import type { Actor } from '../auth/service';
import { AppError, unauthenticated } from '../errors';

/** The caller of an API route (session or Bearer token); 401 without one. */
export function actorOf(locals: App.Locals): Actor {
	if (!locals.actor) throw unauthenticated();
	return locals.actor;
}

/** For page loads: an AppError becomes the app's error page with the same status. */
export async function orPageError<T>(p: Promise<T>): Promise<T> {
	try {
		return await p;
	} catch (e) {
		if (e instanceof AppError) error(e.status, { message: e.code, code: String(e.status) });
		throw e;
	}
}
