import { deflateSync } from 'node:zlib';

/**
 * Small PNG placeholders for demo lots, drawn in code (no image tools on the build machines):
 * a garment, shoe or bag silhouette on a tinted background, with a red ring marking the defect
 * of B/C lots. Deterministic for the same arguments.
 */
export type Shape = 'tshirt' | 'dress' | 'jacket' | 'shoe' | 'bag' | 'bedding';

type Pt = [number, number];
const SHAPES: Record<Shape, Pt[][]> = {
	tshirt: [
		[
			[30, 22],
			[44, 16],
			[56, 24],
			[70, 16],
			[84, 22],
			[98, 40],
			[86, 48],
			[78, 40],
			[78, 96],
			[36, 96],
			[36, 40],
			[28, 48],
			[16, 40]
		].map(([x, y]) => [x, y] as Pt)
	],
	dress: [
		[
			[42, 12],
			[50, 20],
			[64, 20],
			[72, 12],
			[78, 16],
			[74, 40],
			[92, 100],
			[22, 100],
			[40, 40],
			[36, 16]
		].map(([x, y]) => [x, y] as Pt)
	],
	jacket: [
		[
			[32, 18],
			[46, 12],
			[57, 22],
			[68, 12],
			[82, 18],
			[100, 90],
			[88, 94],
			[80, 50],
			[80, 100],
			[34, 100],
			[34, 50],
			[26, 94],
			[14, 90]
		].map(([x, y]) => [x, y] as Pt)
	],
	shoe: [
		[
			[14, 74],
			[18, 50],
			[34, 48],
			[46, 60],
			[64, 66],
			[92, 72],
			[100, 84],
			[98, 92],
			[14, 92]
		].map(([x, y]) => [x, y] as Pt)
	],
	bag: [
		[
			[28, 34],
			[40, 30],
			[40, 22],
			[74, 22],
			[74, 30],
			[86, 34],
			[92, 100],
			[22, 100]
		].map(([x, y]) => [x, y] as Pt)
	],
	bedding: [
		[
			[12, 40],
			[102, 40],
			[102, 96],
			[12, 96]
		].map(([x, y]) => [x, y] as Pt),
		[
			[20, 24],
			[52, 24],
			[52, 40],
			[20, 40]
		].map(([x, y]) => [x, y] as Pt),
		[
			[62, 24],
			[94, 24],
			[94, 40],
			[62, 40]
		].map(([x, y]) => [x, y] as Pt)
	]
};

function inside(x: number, y: number, poly: Pt[]): boolean {
	let c = false;
	for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
		const [xi, yi] = poly[i]!;
		const [xj, yj] = poly[j]!;
		if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
	}
	return c;
}

const crcTable = (() => {
	const t = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	return t;
})();
function crc32(buf: Uint8Array): number {
	let c = 0xffffffff;
	for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Uint8Array): Buffer {
	const out = Buffer.alloc(12 + data.length);
	out.writeUInt32BE(data.length, 0);
	out.write(type, 4, 'ascii');
	Buffer.from(data).copy(out, 8);
	out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
	return out;
}

/** Encodes RGB pixels (row-major, 3 bytes each) as a PNG. */
function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
	const raw = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++) {
		raw[y * (width * 3 + 1)] = 0; // filter: none
		Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(
			raw,
			y * (width * 3 + 1) + 1
		);
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // colour type: RGB
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', new Uint8Array())
	]);
}

const hex = (h: number): [number, number, number] => [(h >> 16) & 255, (h >> 8) & 255, h & 255];

/** A 228×228 placeholder (the 114-unit drawing at 2×). */
export function placeholderPng(opts: {
	shape: Shape;
	color: number;
	background: number;
	defect: boolean;
}): Buffer {
	const scale = 2;
	const size = 114 * scale;
	const rgb = new Uint8Array(size * size * 3);
	const bg = hex(opts.background);
	const fg = hex(opts.color);
	const polys = SHAPES[opts.shape];
	const ring: [number, number, number] = [0xe8, 0x43, 0x2e];
	const [cx, cy] = [74 * scale, 80 * scale];
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			const ux = (x + 0.5) / scale;
			const uy = (y + 0.5) / scale;
			let c = bg;
			if (polys.some((p) => inside(ux, uy, p))) c = fg;
			if (opts.defect) {
				const d = Math.hypot(x - cx, y - cy);
				if (d > 9 * scale && d < 11.5 * scale) c = ring;
			}
			const i = (y * size + x) * 3;
			rgb[i] = c[0];
			rgb[i + 1] = c[1];
			rgb[i + 2] = c[2];
		}
	}
	return encodePng(size, size, rgb);
}
