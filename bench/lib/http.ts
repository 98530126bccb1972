// A lean HTTP client for the load benches: node:http with keep-alive sockets. fetch (undici)
// spends several times the CPU per request, and the bench's client shares the machine's cores
// with the server it measures.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

export interface Reply {
	status: number;
	body: string;
}

export function request(
	url: string,
	method: 'GET' | 'POST',
	headers: Record<string, string>,
	body?: string
): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{
				method,
				agent,
				headers:
					body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) }
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
				);
				res.on('error', reject);
			}
		);
		req.on('error', reject);
		req.end(body);
	});
}

/** Closes the kept-alive sockets so the bench process can exit. */
export function closeClients(): void {
	agent.destroy();
}
