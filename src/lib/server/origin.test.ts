import { describe, expect, it } from 'vitest';
import {
	checkCsrf,
	isJsonContentType,
	localOrigins,
	parseAllowedOrigins,
	requestOrigin,
	type OriginConfig
} from './origin';

const none: OriginConfig = { allowed: [] };

function req(method: string, headers: Record<string, string>, protocol = 'http:') {
	const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
	return { method, protocol, header: (n: string) => lower[n.toLowerCase()] ?? null };
}

const form = { 'content-type': 'application/x-www-form-urlencoded', cookie: 's=1' };

describe('origin check', () => {
	it('accepts a form post from the page’s own address over http (localhost, 127.0.0.1, LAN)', () => {
		for (const host of ['localhost:3000', '127.0.0.1:3000', '192.168.1.20:3000']) {
			const r = req('POST', { ...form, host, origin: `http://${host}` });
			expect(checkCsrf(r, none)).toEqual({ ok: true });
		}
	});

	it('refuses another origin, another port on the same host, and the opaque origin', () => {
		for (const origin of ['http://evil.example', 'http://localhost:8080', 'null']) {
			const r = req('POST', { ...form, host: 'localhost:3000', origin });
			expect(checkCsrf(r, none)).toEqual({ ok: false, origin });
		}
	});

	it('refuses a form-like body without Origin, as SvelteKit did, but not a JSON one', () => {
		for (const type of [
			'application/x-www-form-urlencoded',
			'multipart/form-data; boundary=x',
			'text/plain; charset=application/json'
		]) {
			expect(checkCsrf(req('POST', { 'content-type': type, host: 'a:1' }), none).ok).toBe(false);
		}
		expect(
			checkCsrf(req('POST', { 'content-type': 'application/json', cookie: 's=1' }), none).ok
		).toBe(true);
	});

	it('checks every state-changing method and no safe one', () => {
		const cross = { ...form, host: 'a:1', origin: 'http://evil.example' };
		for (const m of ['POST', 'PUT', 'PATCH', 'DELETE'])
			expect(checkCsrf(req(m, cross), none).ok).toBe(false);
		for (const m of ['GET', 'HEAD', 'OPTIONS'])
			expect(checkCsrf(req(m, cross), none).ok).toBe(true);
	});

	it('lets a Bearer token without a cookie through (webhooks), but not with a cookie', () => {
		const bearer = { authorization: 'Bearer abc', origin: 'http://evil.example', host: 'a:1' };
		expect(checkCsrf(req('POST', { ...bearer, 'content-type': 'text/plain' }), none).ok).toBe(true);
		expect(checkCsrf(req('POST', { ...bearer, cookie: 's=1' }), none).ok).toBe(false);
	});

	it('uses ORIGIN, proxy headers and the allow-list', () => {
		const cfg: OriginConfig = {
			origin: 'https://lotlive.example.cn',
			allowed: ['http://10.0.0.5:3000'],
			protocolHeader: 'x-forwarded-proto',
			hostHeader: 'x-forwarded-host'
		};
		const h = { ...form, host: 'internal:3000' };
		expect(checkCsrf(req('POST', { ...h, origin: 'https://lotlive.example.cn' }), cfg).ok).toBe(
			true
		);
		expect(checkCsrf(req('POST', { ...h, origin: 'http://10.0.0.5:3000' }), cfg).ok).toBe(true);
		expect(checkCsrf(req('POST', { ...h, origin: 'http://internal:3000' }), cfg).ok).toBe(false);
		const proxied = req('POST', {
			'x-forwarded-proto': 'https',
			'x-forwarded-host': 'shop.example, other',
			host: 'internal:3000'
		});
		expect(requestOrigin(proxied.header, 'http:', { ...cfg, origin: undefined })).toBe(
			'https://shop.example'
		);
		// a TLS proxy without PROTOCOL_HEADER: https on the request's own Host is accepted too
		expect(
			checkCsrf(
				req('POST', { ...form, host: 'shop.example', origin: 'https://shop.example' }),
				none
			).ok
		).toBe(true);
	});

	it('takes the media type exactly', () => {
		expect(isJsonContentType('application/json')).toBe(true);
		expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
		expect(isJsonContentType('text/plain; charset=application/json')).toBe(false);
		expect(isJsonContentType('application/json-seq')).toBe(false);
		expect(isJsonContentType(undefined)).toBe(false);
	});

	it('lists this server’s addresses and validates ALLOWED_ORIGINS', () => {
		const nics = {
			lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
			eth0: [
				{ address: '192.168.1.20', family: 'IPv4', internal: false },
				{ address: 'fe80::1', family: 'IPv6', internal: false },
				{ address: '2001:db8::5', family: 'IPv6', internal: false }
			]
		} as unknown as Parameters<typeof localOrigins>[2];
		expect(localOrigins('0.0.0.0', 3000, nics)).toEqual([
			'http://localhost:3000',
			'http://127.0.0.1:3000',
			'http://[::1]:3000',
			'http://192.168.1.20:3000',
			'http://[2001:db8::5]:3000'
		]);
		expect(localOrigins('127.0.0.1', 4000, nics)).toContain('http://localhost:4000');
		expect(localOrigins('10.1.1.1', 4000, nics)).toEqual(['http://10.1.1.1:4000']);
		expect(parseAllowedOrigins('https://a.example/, http://b:81')).toEqual([
			'https://a.example',
			'http://b:81'
		]);
		expect(() => parseAllowedOrigins('ftp://x')).toThrow(/ALLOWED_ORIGINS/);
	});
});
