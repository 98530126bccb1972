// The catalog module's public surface. Other modules (boards, live shows, orders) use these;
// only this module writes the catalog tables.
export { currentPolicy } from '../platform/policy';
export { listBrands, listCategories, type CategoryNode } from './reference';
export {
	addSupplierDocument,
	getSupplier,
	listSupplierDocuments,
	listSuppliers,
	setSupplierStatus
} from './suppliers';
export { createSupplierProfile } from './profile';
export { blockLot, createLot, unblockLot, updateLot } from './lots';
export {
	getLot,
	getLotSummaries,
	type LotDetail,
	type LotSummary,
	type MediaItem
} from './lots-read';
export { addLotMedia, openMedia, removeLotMedia } from './media';
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
export { importLots, type ImportError, type ImportProgress, type ImportResult } from './import';
export { IMPORT_COLUMNS } from './import-sheet';
export { exportLotsXlsx } from './export-sheet';
