/**
 * Carriers the ship form suggests (a datalist: any other carrier may be typed). Names as the
 * carriers write them, the same in every language (they are printed on waybills so).
 */
export const COMMON_CARRIERS = [
	'顺丰速运',
	'京东物流',
	'中通快递',
	'圆通速递',
	'韵达快递',
	'申通快递',
	'德邦快递',
	'安能物流',
	'百世快运',
	'EMS'
] as const;
