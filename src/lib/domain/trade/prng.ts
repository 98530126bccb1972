/**
 * A seeded pseudo-random generator for draws that every node must repeat exactly (the sampling
 * inspection's pieces are drawn from the order id). Pure integer arithmetic on 32-bit words: the
 * same seed gives the same sequence on any JavaScript engine. Not for secrets.
 */

/** cyrb53-style 53-bit string hash, split into two 32-bit seeds. */
export function hashSeed(text: string): [number, number] {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
	h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
	h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return [h1 >>> 0, h2 >>> 0];
}

export interface Prng {
	/** A uniform 32-bit unsigned integer. */
	nextU32(): number;
	/** A uniform integer in [0, n), without modulo bias; n ≤ 2^32. */
	below(n: number): number;
}

/** sfc32 (small fast counter), seeded from a string. */
export function prngFrom(seedText: string): Prng {
	const [s1, s2] = hashSeed(seedText);
	let a = s1;
	let b = s2;
	let c = s1 ^ 0x9e3779b9;
	let d = 1;
	const nextU32 = (): number => {
		const t = (((a + b) | 0) + d) | 0;
		d = (d + 1) | 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) | 0;
		c = (c << 21) | (c >>> 11);
		c = (c + t) | 0;
		return t >>> 0;
	};
	// Warm up: the first outputs of a fresh sfc32 state are poorly mixed.
	for (let i = 0; i < 12; i++) nextU32();
	return {
		nextU32,
		below(n: number): number {
			if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`bad bound ${n}`);
			const limit = 2 ** 32 - (2 ** 32 % n);
			for (;;) {
				const x = nextU32();
				if (x < limit) return x % n;
			}
		}
	};
}

/**
 * k distinct integers from [0, n), in increasing order (Floyd's algorithm: k draws, whatever n).
 */
export function sampleDistinct(rng: Prng, n: number, k: number): number[] {
	if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`cannot draw ${k} of ${n}`);
	const chosen = new Set<number>();
	for (let j = n - k; j < n; j++) {
		const t = rng.below(j + 1);
		chosen.add(chosen.has(t) ? j : t);
	}
	return [...chosen].sort((x, y) => x - y);
}
