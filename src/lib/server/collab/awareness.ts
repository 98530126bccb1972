/**
 * y-protocols awareness updates as entries, for the server's filtering and the relay between
 * nodes. The wire format is `varuint n, then n × {varuint clientID, varuint clock, varstring
 * JSON state}`; a state of `null` removes the client.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface AwarenessEntry {
	client: number;
	clock: number;
	/** The state as JSON text; 'null' removes the client. */
	json: string;
}

export function decodeAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
	const d = decoding.createDecoder(update);
	const n = decoding.readVarUint(d);
	const out: AwarenessEntry[] = [];
	for (let i = 0; i < n; i++) {
		const client = decoding.readVarUint(d);
		const clock = decoding.readVarUint(d);
		const json = decoding.readVarString(d);
		out.push({ client, clock, json });
	}
	return out;
}

export function encodeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, entries.length);
	for (const { client, clock, json } of entries) {
		encoding.writeVarUint(e, client);
		encoding.writeVarUint(e, clock);
		encoding.writeVarString(e, json);
	}
	return encoding.toUint8Array(e);
}

export const isRemoval = (e: AwarenessEntry) => e.json === 'null';

/**
 * Splits entries into updates of at most `maxBytes` each (a relay message has a size limit:
 * Postgres NOTIFY takes 8000 bytes). An entry larger than the limit on its own is left out
 * and returned in `dropped`.
 */
export function chunkAwarenessEntries(
	entries: AwarenessEntry[],
	maxBytes: number
): { updates: Uint8Array[]; dropped: AwarenessEntry[] } {
	const updates: Uint8Array[] = [];
	const dropped: AwarenessEntry[] = [];
	let batch: AwarenessEntry[] = [];
	let size = 0;
	for (const entry of entries) {
		const one = encodeAwarenessEntries([entry]).length;
		if (one > maxBytes) {
			dropped.push(entry);
			continue;
		}
		if (batch.length > 0 && size + one > maxBytes) {
			updates.push(encodeAwarenessEntries(batch));
			batch = [];
			size = 0;
		}
		batch.push(entry);
		size += one;
	}
	if (batch.length > 0) updates.push(encodeAwarenessEntries(batch));
	return { updates, dropped };
}
