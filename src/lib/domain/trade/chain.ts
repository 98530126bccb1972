/**
 * The tamper-evident message record (issue 20): each message's hash covers the previous hash and
 * the message's canonical form, so an exported conversation proves nothing was removed, changed
 * or reordered. Pure: the hash function is passed in (node:crypto's SHA-256 on the server, Web
 * Crypto's in a browser that checks an export).
 */

export interface ChainMessage {
	conversationId: string;
	seq: number;
	party: 'buyer' | 'supplier' | 'operator' | 'system';
	senderUserId: string | null;
	body: string;
	attachments: readonly { key: string; kind: string; name: string; bytes: number }[];
	/** ISO 8601 time, as stored. */
	at: string;
}

export type Sha256Hex = (text: string) => string;

/** JSON with keys in a fixed order, so the same message always hashes the same. */
export function canonicalMessage(m: ChainMessage): string {
	return JSON.stringify([
		m.conversationId,
		m.seq,
		m.party,
		m.senderUserId,
		m.body,
		m.attachments.map((a) => [a.key, a.kind, a.name, a.bytes]),
		m.at
	]);
}

/** The hash of a message after `prevHash` ('' for the first message). */
export function messageHash(prevHash: string, m: ChainMessage, sha256: Sha256Hex): string {
	return sha256(`${prevHash}\n${canonicalMessage(m)}`);
}

/**
 * Checks an exported record: seqs 1, 2, 3… without gaps, each `prevHash` the previous hash and
 * each hash recomputed. Returns the seq of the first broken message, or null when intact.
 */
export function verifyChain(
	messages: readonly (ChainMessage & { prevHash: string; hash: string })[],
	sha256: Sha256Hex
): number | null {
	let prev = '';
	for (const [i, m] of messages.entries()) {
		if (m.seq !== i + 1 || m.prevHash !== prev || messageHash(prev, m, sha256) !== m.hash)
			return m.seq;
		prev = m.hash;
	}
	return null;
}
