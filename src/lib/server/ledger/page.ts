import { error } from '@sveltejs/kit';
import { chinaMonth } from '$lib/domain/ledger';
import { isMonthInRange } from '$lib/domain/input';
import { AppError } from '../errors';

/** The statement month a page shows: ?month=YYYY-MM when valid, else the current China month. */
export function pageMonth(url: URL, now: Date = new Date()): string {
	const m = url.searchParams.get('month') ?? '';
	return isMonthInRange(m) ? m : chinaMonth(now);
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
