/**
 * Code 128 (code set B) as bar and space widths, for the packing list's order number: printable
 * ASCII only, the mod-103 check character, the stop pattern. Pure; the page draws the runs as an
 * SVG. Widths alternate bar, space, bar… starting with a bar, in modules (the narrowest element).
 */

/** The symbol patterns 0…106 (ISO/IEC 15417 table): six widths each, seven for the stop. */
export const CODE128_PATTERNS: readonly string[] = [
	'212222',
	'222122',
	'222221',
	'121223',
	'121322',
	'131222',
	'122213',
	'122312',
	'132212',
	'221213',
	'221312',
	'231212',
	'112232',
	'122132',
	'122231',
	'113222',
	'123122',
	'123221',
	'223211',
	'221132',
	'221231',
	'213212',
	'223112',
	'312131',
	'311222',
	'321122',
	'321221',
	'312212',
	'322112',
	'322211',
	'212123',
	'212321',
	'232121',
	'111323',
	'131123',
	'131321',
	'112313',
	'132113',
	'132311',
	'211313',
	'231113',
	'231311',
	'112133',
	'112331',
	'132131',
	'113123',
	'113321',
	'133121',
	'313121',
	'211331',
	'231131',
	'213113',
	'213311',
	'213131',
	'311123',
	'311321',
	'331121',
	'312113',
	'312311',
	'332111',
	'314111',
	'221411',
	'431111',
	'111224',
	'111422',
	'121124',
	'121421',
	'141122',
	'141221',
	'112214',
	'112412',
	'122114',
	'122411',
	'142112',
	'142211',
	'241211',
	'221114',
	'413111',
	'241112',
	'134111',
	'111242',
	'121142',
	'121241',
	'114212',
	'124112',
	'124211',
	'411212',
	'421112',
	'421211',
	'212141',
	'214121',
	'412121',
	'111143',
	'111341',
	'131141',
	'114113',
	'114311',
	'411113',
	'411311',
	'113141',
	'114131',
	'311141',
	'411131',
	'211412',
	'211214',
	'211232',
	'2331112'
];

export const START_B = 104;
export const STOP = 106;

/** Whether `text` can be drawn in code set B (printable ASCII, not empty). */
export function encodable(text: string): boolean {
	return text.length > 0 && /^[\x20-\x7e]+$/.test(text);
}

/** The symbol values: start B, one per character, the check character, stop. */
export function code128BValues(text: string): number[] {
	if (!encodable(text)) throw new Error('code 128 B takes printable ASCII only');
	const values = [START_B];
	let sum = START_B;
	for (let i = 0; i < text.length; i++) {
		const v = text.charCodeAt(i) - 32;
		values.push(v);
		sum += v * (i + 1);
	}
	values.push(sum % 103, STOP);
	return values;
}

/** The widths to draw, bar first. */
export function code128B(text: string): number[] {
	const runs: number[] = [];
	for (const v of code128BValues(text)) for (const w of CODE128_PATTERNS[v]!) runs.push(Number(w));
	return runs;
}

/** The bars as [x, width] in modules, after a quiet zone of `quiet` modules. */
export function bars(runs: readonly number[], quiet = 10): { x: number; w: number }[] {
	const out: { x: number; w: number }[] = [];
	let x = quiet;
	runs.forEach((w, i) => {
		if (i % 2 === 0) out.push({ x, w });
		x += w;
	});
	return out;
}

/** Total width in modules with both quiet zones. */
export const widthOf = (runs: readonly number[], quiet = 10) =>
	runs.reduce((a, b) => a + b, 0) + 2 * quiet;
