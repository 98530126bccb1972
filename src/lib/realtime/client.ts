import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from './events';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let socket: AppSocket | undefined;

/** The browser's one socket.io connection (same origin, session cookie), made on first use. */
export function appSocket(): AppSocket {
	socket ??= io({ transports: ['websocket', 'polling'], withCredentials: true });
	return socket;
}
