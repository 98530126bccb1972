// The catalog module's public surface. Other modules (boards, live shows, orders) use these;
// only this module writes the catalog tables.
export { currentPolicy } from './policy';
export {
	addLotMedia,
	addSupplierDocument,
	blockLot,
	createLot,
	createSupplierProfile,
	getLot,
	getLotSummaries,
	getSupplier,
	listBrands,
	listCategories,
	listSupplierDocuments,
	listSuppliers,
	openMedia,
	removeLotMedia,
	setSupplierStatus,
	unblockLot,
	updateLot,
	updateSupplierProfile,
	type CategoryNode,
	type LotDetail,
	type LotSummary,
	type MediaItem
} from './service';
export {
	facetCounts,
	parseLotFilter,
	searchLots,
	type Facets,
	type SearchResult,
	type SearchScope
} from './search';
export { recordSale, refreshSalesStats } from './sales';
export type { LotFilter } from './schemas';
export {
	exportLotsXlsx,
	importLots,
	IMPORT_COLUMNS,
	type ImportError,
	type ImportProgress,
	type ImportResult
} from './import';
