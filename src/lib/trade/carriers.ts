// The carriers a trade order can ship with (the supplier's ship form and the server's check).
// Codes are the carriers' usual abbreviations; names are what Chinese buyers know them by.

export const TRADE_CARRIERS = ['SF', 'ZTO', 'YTO', 'YD', 'STO', 'JD', 'EMS', 'DBL'] as const;
export type TradeCarrier = (typeof TRADE_CARRIERS)[number];

export const CARRIER_NAMES: Record<TradeCarrier, string> = {
	SF: '顺丰速运',
	ZTO: '中通快递',
	YTO: '圆通速递',
	YD: '韵达快递',
	STO: '申通快递',
	JD: '京东物流',
	EMS: 'EMS',
	DBL: '德邦快递'
};

/**
 * A tracking number: 8–32 letters and digits once spaces are gone, upper case (SF1234567890123,
 * 7312345678901, JDVA01234567890, EMS 1234567890CN…).
 */
export const TRACKING_NO = /^[A-Z0-9]{8,32}$/;

export function normaliseTrackingNo(s: string): string {
	return s.replace(/[\s-]+/g, '').toUpperCase();
}

/**
 * 快递100 company codes (`com` in its pushes) of the carriers above; 德邦 has a parcel
 * (debangkuaidi) and a freight (debangwuliu) service.
 */
export const KUAIDI100_COM: Record<string, TradeCarrier> = {
	shunfeng: 'SF',
	zhongtong: 'ZTO',
	yuantong: 'YTO',
	yunda: 'YD',
	shentong: 'STO',
	jd: 'JD',
	ems: 'EMS',
	debangkuaidi: 'DBL',
	debangwuliu: 'DBL'
};

/** Other names people and systems use for the carriers (short Chinese names, 物流 variants). */
const ALIASES: Record<string, TradeCarrier> = {
	顺丰: 'SF',
	中通: 'ZTO',
	圆通: 'YTO',
	韵达: 'YD',
	申通: 'STO',
	京东: 'JD',
	京东快递: 'JD',
	中国邮政: 'EMS',
	邮政ems: 'EMS',
	德邦: 'DBL',
	德邦物流: 'DBL',
	DEPPON: 'DBL'
};

/**
 * The carrier a name stands for: our code in any case (`sf`), its Chinese name (顺丰速运, 顺丰),
 * or its 快递100 code (shunfeng); null when none.
 */
export function carrierOf(name: string): TradeCarrier | null {
	const s = name.trim();
	const upper = s.toUpperCase();
	if ((TRADE_CARRIERS as readonly string[]).includes(upper)) return upper as TradeCarrier;
	const byName = (Object.keys(CARRIER_NAMES) as TradeCarrier[]).find((c) => CARRIER_NAMES[c] === s);
	return byName ?? ALIASES[s] ?? ALIASES[upper] ?? KUAIDI100_COM[s.toLowerCase()] ?? null;
}
