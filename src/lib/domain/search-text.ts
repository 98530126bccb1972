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
