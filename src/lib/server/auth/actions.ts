import { redirect, type RequestEvent } from '@sveltejs/kit';
import { homeOf } from '$lib/domain/roles';
import { LOCALE_COOKIE, isLocale } from '$lib/i18n';
import { safeNext } from '$lib/safe-redirect';
import { formAction } from '../edge';
import { deleteSessionCookie, setSessionCookie } from './cookies';
import { acceptInvitation, signIn, signUp } from './service';
import { invalidateSession } from './session';

/** The caller's address as adapter-node sees it (ADDRESS_HEADER / XFF_DEPTH behind a proxy). */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string | undefined {
	try {
		return event.getClientAddress();
	} catch {
		return undefined;
	}
}

/** Sign-in, sign-up and invitation forms never send the password back. */
const authForm = { secret: ['password'] } as const;

export const signInAction = formAction(
	undefined,
	async ({ event, values }) => {
		const result = await signIn(values, undefined, { ip: clientAddress(event) });
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
	},
	authForm
);

export const signUpAction = formAction(
	undefined,
	async ({ event, values }) => {
		await signUp({ ...values, locale: event.locals.locale }, { ip: clientAddress(event) });
		const session = await signIn({ email: values.email, password: values.password });
		setSessionCookie(event, session.token, session.expiresAt);
		redirect(303, homeOf(session.role));
	},
	authForm
);

export async function acceptInvitationAction(event: RequestEvent, token: string) {
	return formAction(
		undefined,
		async ({ values }) => {
			const result = await acceptInvitation({ ...values, token, locale: event.locals.locale });
			setSessionCookie(event, result.token, result.expiresAt);
			redirect(303, homeOf('assistant'));
		},
		authForm
	)(event);
}

export async function signOutAction(event: RequestEvent) {
	if (event.locals.session) await invalidateSession(event.locals.session.id);
	deleteSessionCookie(event);
	redirect(303, '/sign-in');
}
