import type { Principal } from '$lib/server/auth/principal';
import type { SessionUser, ValidSession } from '$lib/server/auth/session';
import type { Locale } from '$lib/i18n';

declare global {
	namespace App {
		/**
		 * Every error page's data, whatever failed (page load, form post, hooks, handleError):
		 * the message already translated into the page's language, and a stable code
		 * (`not_found`, `forbidden`, `csrf`, `unavailable`, `internal`…). Unexpected errors also
		 * carry the request id that the server's log line names.
		 */
		interface Error {
			message: string;
			code: string;
			requestId?: string;
		}
		interface Locals {
			user: SessionUser | null;
			session: ValidSession | null;
			/** Who is calling: the signed-in user, or an org's API token (auth/principal.ts). */
			principal: Principal | null;
			locale: Locale;
			/** Language for API error messages: Accept-Language, else English. */
			apiLocale: Locale;
			/** Names this request in the log lines of its unexpected errors. */
			requestId: string;
		}
		interface PageData {
			locale: Locale;
		}
	}
}

export {};
