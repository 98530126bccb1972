import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { generateToken, hashToken } from './tokens';

describe('tokens', () => {
	it('hash to the SHA-256 of their UTF-8 bytes in lower-case hex, as Lucia’s session ids', () => {
		for (const token of [generateToken(), generateToken(32), 'llt_示例token', '']) {
			expect(hashToken(token)).toBe(encodeHexLowerCase(sha256(new TextEncoder().encode(token))));
		}
		expect(hashToken('abc')).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
	});

	it('are 160 random bits in lower-case base32 by default', () => {
		const t = generateToken();
		expect(t).toMatch(/^[a-z2-7]{32}$/);
		expect(generateToken()).not.toBe(t);
	});
});
