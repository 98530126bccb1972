import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalMessage, messageHash, verifyChain, type ChainMessage } from './chain';

const sha256 = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');

function chain(bodies: string[]) {
	let prev = '';
	return bodies.map((body, i) => {
		const m: ChainMessage = {
			conversationId: 'c1',
			seq: i + 1,
			party: i % 2 ? 'supplier' : 'buyer',
			senderUserId: `u${i % 2}`,
			body,
			attachments: i === 1 ? [{ key: 'k/1.jpg', kind: 'photo', name: '1.jpg', bytes: 10 }] : [],
			at: new Date(Date.UTC(2026, 4, 1, 0, i)).toISOString()
		};
		const hash = messageHash(prev, m, sha256);
		const out = { ...m, prevHash: prev, hash };
		prev = hash;
		return out;
	});
}

describe('message hash chain', () => {
	it('verifies an intact record', () => {
		const c = chain(['货到了，有 3 件破损', '请发照片', '已上传']);
		expect(c[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
		expect(verifyChain(c, sha256)).toBeNull();
		expect(verifyChain([], sha256)).toBeNull();
	});

	it('finds an edited, removed or reordered message', () => {
		const c = chain(['a', 'b', 'c', 'd']);
		expect(
			verifyChain(
				c.map((m, i) => (i === 1 ? { ...m, body: 'B' } : m)),
				sha256
			)
		).toBe(2);
		expect(verifyChain([c[0]!, c[2]!, c[3]!], sha256)).toBe(3);
		expect(verifyChain([c[0]!, c[2]!, c[1]!, c[3]!], sha256)).toBe(3);
		expect(verifyChain(c.slice(1), sha256)).toBe(2);
		const swappedAttachment = c.map((m, i) =>
			i === 1 ? { ...m, attachments: [{ ...m.attachments[0]!, bytes: 11 }] } : m
		);
		expect(verifyChain(swappedAttachment, sha256)).toBe(2);
	});

	it('canonical form does not depend on key order', () => {
		const [m] = chain(['x']);
		const reordered = Object.fromEntries(Object.entries(m!).reverse()) as typeof m & object;
		expect(canonicalMessage(reordered)).toBe(canonicalMessage(m!));
	});
});
