import { page } from '$app/state';
import { DEFAULT_LOCALE, isLocale, translate, type Locale, type MessageKey, type Params } from '.';

/** The locale of the page being rendered (request-scoped on the server, reactive in the browser). */
export function locale(): Locale {
	const l: unknown = page.data?.locale;
	return isLocale(l) ? l : DEFAULT_LOCALE;
}

/** Translate in components: `t('nav.console')`. */
export function t(key: MessageKey, params?: Params): string {
	return translate(locale(), key, params);
}
