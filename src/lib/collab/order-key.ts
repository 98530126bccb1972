/**
 * Fractional ordering keys: strings that sort with plain `<` (code-unit order) and always have
 * room between two neighbours. A slot's on-air position is its key; moving a slot rewrites only
 * its own key, so the slot's Y.Map (and every concurrent edit inside it) stays where it is.
 *
 * Format (the scheme popularised by Figma and rocicorp's fractional-indexing): an "integer part"
 * whose first character encodes its length (a–z: 2–27 characters, positive; A–Z: negative),
 * followed by an optional base-62 fraction that never ends in '0'. Appending after the last key
 * increments the integer part, so a board built by appending 500 slots keeps 2–3 character
 * keys; inserting between two neighbours extends the fraction by about one character per
 * six halvings.
 */

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SMALLEST_INTEGER = 'A' + '0'.repeat(26);

export class OrderKeyError extends Error {}

function integerLength(head: string): number {
	if (head >= 'a' && head <= 'z') return head.charCodeAt(0) - 97 + 2;
	if (head >= 'A' && head <= 'Z') return 90 - head.charCodeAt(0) + 2;
	throw new OrderKeyError(`invalid order key head: ${head}`);
}

function integerPart(key: string): string {
	const len = integerLength(key[0] ?? '');
	if (len > key.length) throw new OrderKeyError(`invalid order key: ${key}`);
	return key.slice(0, len);
}

/** True when `key` is a well-formed ordering key. */
export function isOrderKey(key: unknown): key is string {
	if (typeof key !== 'string' || key.length === 0 || key.length > 200) return false;
	try {
		validate(key);
		return true;
	} catch {
		return false;
	}
}

function validate(key: string): void {
	if (key === SMALLEST_INTEGER) throw new OrderKeyError('invalid order key');
	for (const ch of key) if (!DIGITS.includes(ch)) throw new OrderKeyError('invalid digit');
	const i = integerPart(key);
	const f = key.slice(i.length);
	if (f.endsWith('0')) throw new OrderKeyError('order key fraction ends in 0');
}

/** A fraction strictly between a and b (b null = 1); both are digit strings without trailing 0. */
function midpoint(a: string, b: string | null): string {
	if (b !== null && a >= b) throw new OrderKeyError(`${a} >= ${b}`);
	if (b !== null) {
		let n = 0;
		while ((a[n] ?? '0') === b[n]) n++;
		if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
	}
	const da = a ? DIGITS.indexOf(a[0]!) : 0;
	const db = b !== null ? DIGITS.indexOf(b[0]!) : DIGITS.length;
	if (db - da > 1) return DIGITS[Math.round((da + db) / 2)]!;
	if (b !== null && b.length > 1) return b.slice(0, 1);
	return DIGITS[da]! + midpoint(a.slice(1), null);
}

function incrementInteger(x: string): string | null {
	const head = x[0]!;
	const digs = x.slice(1).split('');
	let carry = true;
	for (let i = digs.length - 1; carry && i >= 0; i--) {
		const d = DIGITS.indexOf(digs[i]!) + 1;
		if (d === DIGITS.length) digs[i] = '0';
		else {
			digs[i] = DIGITS[d]!;
			carry = false;
		}
	}
	if (carry) {
		if (head === 'Z') return 'a0';
		if (head === 'z') return null;
		const h = String.fromCharCode(head.charCodeAt(0) + 1);
		if (h > 'a') digs.push('0');
		else digs.pop();
		return h + digs.join('');
	}
	return head + digs.join('');
}

function decrementInteger(x: string): string | null {
	const head = x[0]!;
	const digs = x.slice(1).split('');
	let borrow = true;
	for (let i = digs.length - 1; borrow && i >= 0; i--) {
		const d = DIGITS.indexOf(digs[i]!) - 1;
		if (d === -1) digs[i] = DIGITS[DIGITS.length - 1]!;
		else {
			digs[i] = DIGITS[d]!;
			borrow = false;
		}
	}
	if (borrow) {
		if (head === 'a') return 'Z' + DIGITS[DIGITS.length - 1];
		if (head === 'A') return null;
		const h = String.fromCharCode(head.charCodeAt(0) - 1);
		if (h < 'Z') digs.push(DIGITS[DIGITS.length - 1]!);
		else digs.pop();
		return h + digs.join('');
	}
	return head + digs.join('');
}

/**
 * A key that sorts strictly after `a` and before `b` (null = open end). Throws when a ≥ b; two
 * replicas that insert between the same neighbours at the same time get the same key, which
 * the board resolves by sorting ties on slot id (see `orderedSlotMaps` in board.ts).
 */
export function keyBetween(a: string | null, b: string | null): string {
	if (a !== null) validate(a);
	if (b !== null) validate(b);
	if (a !== null && b !== null && a >= b) throw new OrderKeyError(`${a} >= ${b}`);
	if (a === null) {
		if (b === null) return 'a0';
		const ib = integerPart(b);
		const fb = b.slice(ib.length);
		if (ib === SMALLEST_INTEGER) return ib + midpoint('', fb);
		if (ib < b) return ib;
		const res = decrementInteger(ib);
		if (res === null) throw new OrderKeyError('cannot decrement any more');
		return res;
	}
	if (b === null) {
		const ia = integerPart(a);
		const fa = a.slice(ia.length);
		const i = incrementInteger(ia);
		return i === null ? ia + midpoint(fa, null) : i;
	}
	const ia = integerPart(a);
	const fa = a.slice(ia.length);
	const ib = integerPart(b);
	const fb = b.slice(ib.length);
	if (ia === ib) return ia + midpoint(fa, fb);
	const i = incrementInteger(ia);
	if (i === null) throw new OrderKeyError('cannot increment any more');
	if (i < b) return i;
	return ia + midpoint(fa, null);
}

/** `n` increasing keys between a and b, spread evenly (used to renumber ties and to seed boards). */
export function keysBetween(a: string | null, b: string | null, n: number): string[] {
	if (n <= 0) return [];
	if (n === 1) return [keyBetween(a, b)];
	if (b === null) {
		const out: string[] = [];
		let prev = a;
		for (let i = 0; i < n; i++) out.push((prev = keyBetween(prev, null)));
		return out;
	}
	if (a === null) {
		const out: string[] = [];
		let next: string = b;
		for (let i = 0; i < n; i++) out.push((next = keyBetween(null, next)));
		return out.reverse();
	}
	const mid = Math.floor(n / 2);
	const c = keyBetween(a, b);
	return [...keysBetween(a, c, mid), c, ...keysBetween(c, b, n - mid - 1)];
}
