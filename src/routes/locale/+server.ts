import { redirect } from '@sveltejs/kit';
import { z } from '$lib/server/validation';
import { LOCALE_COOKIE, LOCALES } from '$lib/i18n';
import { safeNext } from '$lib/safe-redirect';
import { setUserLocale } from '$lib/server/auth/service';
import { api, formObject } from '$lib/server/http';
import { parse } from '$lib/server/errors';
import type { RequestHandler } from './$types';

const Input = z.object({ locale: z.enum(LOCALES), next: z.string().optional() });

/** The language switch: a plain form POST, so it works before (and without) JavaScript. */
export const POST: RequestHandler = api(async (event) => {
	const { locale, next } = parse(Input, formObject(await event.request.formData()));
	event.cookies.set(LOCALE_COOKIE, locale, {
		path: '/',
		maxAge: 60 * 60 * 24 * 365,
		sameSite: 'lax',
		httpOnly: false
	});
	if (event.locals.user) await setUserLocale(event.locals.user.id, locale);
	redirect(
		303,
		safeNext(next ?? event.request.headers.get('referer')?.replace(event.url.origin, ''))
	);
});
