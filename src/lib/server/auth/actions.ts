import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { homeOf } from '$lib/domain/roles';
import { LOCALE_COOKIE, isLocale } from '$lib/i18n';
import { safeNext } from '$lib/safe-redirect';
import { AppError } from '../errors';
import { formObject, translator } from '../http';
import { deleteSessionCookie, setSessionCookie } from './cookies';
import { acceptInvitation, signIn, signUp } from './service';
import { invalidateSession } from './session';

/** A form action's failure: status, translated message, the field, and the values to refill. */
function failure(event: RequestEvent, e: unknown, values: Record<string, string>) {
	if (!(e instanceof AppError)) throw e;
	const retryAfter = e.details?.retryAfter;
	if (typeof retryAfter === 'number') event.setHeaders({ 'retry-after': String(retryAfter) });
	const { password: _pw, ...safe } = values;
	return fail(e.status, { error: e.toJSON(translator(event.locals.locale)).error, values: safe });
}

/** The caller's address as adapter-node sees it (ADDRESS_HEADER / XFF_DEPTH behind a proxy). */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string | undefined {
	try {
		return event.getClientAddress();
	} catch {
		return undefined;
	}
}

export async function signInAction(event: RequestEvent) {
	const values = formObject(await event.request.formData());
	let result;
	try {
		result = await signIn(values, undefined, { ip: clientAddress(event) });
	} catch (e) {
		return failure(event, e, values);
	}
	setSessionCookie(event, result.token, result.expiresAt);
	if (!event.cookies.get(LOCALE_COOKIE) && isLocale(result.locale)) {
		event.cookies.set(LOCALE_COOKIE, result.locale, {
			path: '/',
			maxAge: 31536000,
			sameSite: 'lax',
			httpOnly: false
		});
	}
	redirect(303, safeNext(values.next, homeOf(result.role)));
}

export async function signUpAction(event: RequestEvent) {
	const values = formObject(await event.request.formData());
	try {
		await signUp({ ...values, locale: event.locals.locale }, { ip: clientAddress(event) });
		const session = await signIn({ email: values.email, password: values.password });
		setSessionCookie(event, session.token, session.expiresAt);
		redirect(303, homeOf(session.role));
	} catch (e) {
		return failure(event, e, values);
	}
}

export async function acceptInvitationAction(event: RequestEvent, token: string) {
	const values = formObject(await event.request.formData());
	let result;
	try {
		result = await acceptInvitation({ ...values, token, locale: event.locals.locale });
	} catch (e) {
		return failure(event, e, values);
	}
	setSessionCookie(event, result.token, result.expiresAt);
	redirect(303, homeOf('assistant'));
}

export async function signOutAction(event: RequestEvent) {
	if (event.locals.session) await invalidateSession(event.locals.session.id);
	deleteSessionCookie(event);
	redirect(303, '/sign-in');
}
