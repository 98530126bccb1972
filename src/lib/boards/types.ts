/** Catalog data a board shows for a lot (built by $lib/server/boards/lots.ts). */
export interface LotMediaView {
	id: string;
	kind: 'photo' | 'defect_video' | 'document';
	url: string;
	mime: string;
}

export interface LotSummary {
	id: string;
	title: string;
	grade: 'A' | 'B' | 'C';
	unitPriceFen: number;
	tagPriceFen: number;
	moq: number;
	talkingPoints: string;
	defectDescription: string | null;
	supplierName: string;
	stock: { onHand: number; locked: number; allocated: number; available: number; version: number };
	media: LotMediaView[];
}
