import type { Actor } from '$lib/server/auth/service';
import type { SessionUser, ValidSession } from '$lib/server/auth/session';
import type { Locale } from '$lib/i18n';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
		}
		interface Locals {
			user: SessionUser | null;
			session: ValidSession | null;
			/** Who is acting: the user, or an org's API token on /api routes. */
			actor: Actor | null;
			locale: Locale;
			/** Language for API error messages: Accept-Language, else English. */
			apiLocale: Locale;
		}
		interface PageData {
			locale: Locale;
		}
	}
}

export {};
