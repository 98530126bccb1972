import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** A random token with 160 bits of entropy, base32 (Lucia's recommendation). */
export function generateToken(bytes = 20): string {
	const b = new Uint8Array(bytes);
	crypto.getRandomValues(b);
	return encodeBase32LowerCaseNoPadding(b);
}

/**
 * What the database stores instead of a token: the SHA-256 of its UTF-8 bytes, lower-case hex
 * (Lucia's session id). Node's native hash: every authenticated request computes it, and the
 * JavaScript implementation cost several times as much.
 */
export function hashToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}
