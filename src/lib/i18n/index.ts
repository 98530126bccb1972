import { en, zhCN, type MessageKey } from './catalog';

export type { MessageKey };
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
export const LOCALE_COOKIE = 'lotlive_locale';

const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export function isLocale(v: unknown): v is Locale {
	return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

export function isMessageKey(v: unknown): v is MessageKey {
	return typeof v === 'string' && v in zhCN;
}

export type Params = Record<string, string | number>;

/** Translates a key, filling `{name}` placeholders. Unknown keys come back as themselves. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
	const text = catalogs[locale][key] ?? zhCN[key] ?? key;
	if (!params) return text;
	return text.replace(/\{(\w+)\}/g, (m, name: string) =>
		name in params ? String(params[name]) : m
	);
}

/** Picks the best locale from an Accept-Language header. */
export function negotiate(header: string | null | undefined): Locale | undefined {
	if (!header) return undefined;
	const wanted = header
		.split(',')
		.map((part) => {
			const [tag, ...rest] = part.trim().split(';');
			const q = rest.find((r) => r.trim().startsWith('q='));
			return { tag: (tag ?? '').toLowerCase(), q: q ? Number(q.split('=')[1]) : 1 };
		})
		.filter((x) => x.tag && !Number.isNaN(x.q))
		.sort((a, b) => b.q - a.q);
	for (const { tag } of wanted) {
		if (tag.startsWith('zh')) return 'zh-CN';
		if (tag.startsWith('en')) return 'en';
	}
	return undefined;
}

/** Formats integer fen as a CNY amount for display. */
export function formatFen(fen: number, locale: Locale): string {
	return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'zh-CN', {
		style: 'currency',
		currency: 'CNY',
		minimumFractionDigits: 2
	}).format(fen / 100);
}
