/** Calls the JSON API from the browser; failures carry the API's own error message. */
export type ApiResult<T> =
	| { ok: true; status: number; data: T }
	| { ok: false; status: number; code: string; message: string; field?: string; body: unknown };

export async function apiCall<T>(
	method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
	url: string,
	body?: unknown
): Promise<ApiResult<T>> {
	let res: Response;
	try {
		const form = body instanceof FormData;
		res = await fetch(url, {
			method,
			headers: body === undefined || form ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : form ? body : JSON.stringify(body)
		});
	} catch (e) {
		return {
			ok: false,
			status: 0,
			code: 'network',
			message: e instanceof Error ? e.message : String(e),
			body: null
		};
	}
	const data: unknown = await res.json().catch(() => null);
	if (res.ok) return { ok: true, status: res.status, data: data as T };
	const err = (data as { error?: { code?: string; message?: string; field?: string } } | null)
		?.error;
	return {
		ok: false,
		status: res.status,
		code: err?.code ?? String(res.status),
		message: err?.message ?? res.statusText,
		field: err?.field,
		body: data
	};
}
