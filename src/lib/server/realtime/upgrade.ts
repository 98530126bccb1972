import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Refuses a websocket upgrade with a plain HTTP status; no websocket is opened. */
export function writeUpgradeError(socket: Duplex, status: number, code: string): void {
	const body = JSON.stringify({ error: { code, message: STATUS_CODES[status] ?? code } });
	if (socket.writable) {
		socket.write(
			`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
				'Connection: close\r\n' +
				'Content-Type: application/json\r\n' +
				`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
				body
		);
	}
	socket.destroy();
}
