// Typed socket.io events shared by browser and server. Names are noun-verb with a version
// suffix so a payload change ships as a new event next to the old one.

export interface HelloV1 {
	userId: string | null;
	orgId: string;
	role: string | null;
	serverTime: string;
}

/** A lot's stock counters after a change. available = onHand − locked − allocated. */
export interface StockChangedV1 {
	lotId: string;
	onHand: number;
	locked: number;
	allocated: number;
	available: number;
	/** Monotonic per lot (the lot row's version) so clients drop stale, out-of-order updates. */
	version: number;
	at: string;
}

export interface ServerToClientEvents {
	HelloV1: (p: HelloV1) => void;
	StockChangedV1: (p: StockChangedV1) => void;
}

export type AckResult<T> =
	| { ok: true; data: T }
	| { ok: false; error: { code: string; message: string; field?: string; [k: string]: unknown } };
export type Ack<T> = (result: AckResult<T>) => void;

export interface ClientToServerEvents {
	PingV1: (p: { at: number }, ack: Ack<{ at: number; serverTime: number }>) => void;
	/** Watch lots' stock: joins `lot:<id>` rooms and answers with the current counters. */
	LotWatchV1: (p: { lotIds: string[] }, ack: Ack<StockChangedV1[]>) => void;
	LotUnwatchV1: (p: { lotIds: string[] }) => void;
}

/** Rooms: one per organisation and per user; modules add their own. */
export const rooms = {
	org: (id: string) => `org:${id}`,
	user: (id: string) => `user:${id}`,
	lot: (id: string) => `lot:${id}`,
	show: (id: string) => `show:${id}`
};
