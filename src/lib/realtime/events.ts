// Typed socket.io events shared by browser and server. Names are noun-verb with a version
// suffix so a payload change ships as a new event next to the old one.

export interface HelloV1 {
	userId: string | null;
	orgId: string;
	role: string | null;
	serverTime: string;
}

export interface ServerToClientEvents {
	HelloV1: (p: HelloV1) => void;
}

export type Ack<T> = (
	result:
		{ ok: true; data: T } | { ok: false; error: { code: string; message: string; field?: string } }
) => void;

export interface ClientToServerEvents {
	PingV1: (p: { at: number }, ack: Ack<{ at: number; serverTime: number }>) => void;
}

/** Rooms: one per organisation and per user; modules add their own (show:<id>, lot:<id>). */
export const rooms = {
	org: (id: string) => `org:${id}`,
	user: (id: string) => `user:${id}`
};
