/**
 * The text the catalog's trigram index covers. Built in one place so the catalog service,
 * imports and the demo seed index the same words. Lower-cased; Chinese stays as is (trigrams
 * work on characters, so 连衣裙 matches inside 碎花连衣裙).
 */
export function buildSearchText(parts: {
	title: string;
	brand?: string | null;
	brandEn?: string | null;
	categoryNames?: string[];
	description?: string;
	defectDescription?: string | null;
}): string {
	return [
		parts.title,
		parts.brand,
		parts.brandEn,
		...(parts.categoryNames ?? []),
		parts.description,
		parts.defectDescription
	]
		.filter((s): s is string => !!s && s.trim().length > 0)
		.join(' ')
		.toLowerCase()
		.replace(/\s+/g, ' ')
		.trim();
}

const HAN = /\p{Script=Han}/u;

/**
 * The Chinese characters and adjacent character pairs of a text, deduplicated. A query of one
 * or two Chinese characters makes no trigram, so the catalog matches it against these with an
 * array index instead (`search_grams @> {童装}`).
 */
export function searchGrams(text: string): string[] {
	const out = new Set<string>();
	const chars = [...text];
	for (let i = 0; i < chars.length; i++) {
		const c = chars[i]!;
		if (!HAN.test(c)) continue;
		out.add(c);
		const next = chars[i + 1];
		if (next && HAN.test(next)) out.add(c + next);
	}
	return [...out];
}

export type QueryTerm =
	/** One or two Chinese characters: matched against `searchGrams`. */
	| { kind: 'gram'; text: string }
	/** Anything else: a substring of the search text (trigram index when ≥ 3 characters). */
	| { kind: 'substring'; text: string };

/** Splits a search box entry into terms that must all match (lower-cased, at most 8). */
export function parseQuery(q: string): QueryTerm[] {
	const terms = q
		.toLowerCase()
		.split(/[\s,，、;；]+/)
		.map((t) => t.trim())
		.filter(Boolean)
		.slice(0, 8);
	return [...new Set(terms)].map((text) => {
		const chars = [...text];
		return chars.length <= 2 && chars.every((c) => HAN.test(c))
			? { kind: 'gram', text }
			: { kind: 'substring', text };
	});
}
