import type { Locale } from '$lib/i18n';
import { AppError } from '../errors';
import { translator } from '../http';
import { facetCounts, parseLotFilter, searchLots } from './search';
import { listBrands, listCategories } from './reference';
import { searchParamsObject, type LotFilter } from './schemas';
import type { Principal } from '../auth/principal';

/** Everything the catalog page shows for a URL: the filter, one page, facets, reference data. */
export async function catalogPageData(url: URL, actor: Principal, locale: Locale) {
	let filter: LotFilter = {};
	let error: string | null = null;
	try {
		filter = parseLotFilter(searchParamsObject(url.searchParams));
	} catch (e) {
		if (!(e instanceof AppError)) throw e;
		const body = e.toJSON(translator(locale)).error;
		error = `${body.field ?? ''} ${body.message}`.trim();
	}
	const firstPage = async () => {
		try {
			return await searchLots(filter, { actor });
		} catch (e) {
			// A cursor that does not decode (edited or stale link) is shown as an error on the
			// first page, not a 500.
			if (!(e instanceof AppError) || !filter.cursor) throw e;
			const body = e.toJSON(translator(locale)).error;
			error = `${body.field ?? ''} ${body.message}`.trim();
			const { cursor: _c, ...rest } = filter;
			return searchLots(rest, { actor });
		}
	};
	const [page, facets, categories, brands] = await Promise.all([
		firstPage(),
		facetCounts(filter, { actor }),
		listCategories(),
		listBrands()
	]);
	return { filter, page, facets, categories, brands, error };
}
