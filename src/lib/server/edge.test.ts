import { describe, expect, it, vi } from 'vitest';
import {
	isActionFailure,
	isHttpError,
	isRedirect,
	redirect,
	type RequestEvent
} from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { AppError, forbidden, notFound, unavailable } from './errors';
import { failureOf, formAction, formFailure, pageError, pageLoad, socketAck } from './edge';
import { sessionPrincipal, tokenPrincipal, type Principal } from './auth/principal';
import { errorPayload } from './http';

vi.mock('./log', () => ({
	logger: () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() })
}));

const user = {
	id: '11111111-1111-4111-8111-111111111111',
	email: 's@example.cn',
	displayName: 's',
	role: 'supplier_staff' as const,
	orgId: '22222222-2222-4222-8222-222222222222',
	orgName: 'S',
	locale: 'zh-CN'
};

function locals(locale: 'zh-CN' | 'en', principal: Principal | null = null): App.Locals {
	return {
		user: null,
		session: null,
		principal,
		locale,
		apiLocale: locale,
		requestId: 'req-1'
	};
}

function formEvent(
	fields: Record<string, string>,
	locale: 'zh-CN' | 'en' = 'zh-CN',
	principal: Principal | null = sessionPrincipal(user)
) {
	const body = new FormData();
	for (const [k, v] of Object.entries(fields)) body.set(k, v);
	const headers: Record<string, string> = {};
	return {
		event: {
			request: new Request('http://x/form', { method: 'POST', body }),
			locals: locals(locale, principal),
			setHeaders: (h: Record<string, string>) => Object.assign(headers, h),
			params: {},
			url: new URL('http://x/form')
		} as unknown as RequestEvent,
		headers
	};
}

/** Every error kind the edge maps, with its status, code and the message it must show. */
const CASES: {
	name: string;
	error: () => unknown;
	status: number;
	code: string;
	message: (l: 'zh-CN' | 'en') => string;
	field?: string;
}[] = [
	{
		name: 'AppError invalid (field, catalogue key with params)',
		error: () =>
			new AppError('invalid', 'invalid_input', 'v.too_long', {
				field: 'title',
				params: { maximum: 5 }
			}),
		status: 400,
		code: 'invalid_input',
		message: (l) => translate(l, 'v.too_long', { maximum: 5 }),
		field: 'title'
	},
	{
		name: 'AppError forbidden',
		error: () => forbidden('lot.err.not_your_lot'),
		status: 403,
		code: 'forbidden',
		message: (l) => translate(l, 'lot.err.not_your_lot')
	},
	{
		name: 'AppError not found',
		error: () => notFound('Lot', 'id'),
		status: 404,
		code: 'not_found',
		message: (l) => translate(l, 'err.not_found.lot'),
		field: 'id'
	},
	{
		name: 'zod error that escaped parse()',
		error: () => z.object({ qty: z.number() }).safeParse({ qty: 'x' }).error,
		status: 400,
		code: 'invalid_input',
		message: (l) =>
			failureOf(z.object({ qty: z.number() }).safeParse({ qty: 'x' }).error, l).error.message,
		field: 'qty'
	},
	{
		name: 'database unreachable',
		error: () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
		status: 503,
		code: 'unavailable',
		message: (l) => translate(l, 'error.503')
	},
	{
		name: 'unknown error',
		error: () => new TypeError('secret internals'),
		status: 500,
		code: 'internal',
		message: (l) => translate(l, 'error.500')
	}
];

describe('failureOf: one mapping for every door', () => {
	for (const c of CASES) {
		for (const locale of ['zh-CN', 'en'] as const) {
			it(`${c.name} → ${c.status} ${c.code} (${locale})`, () => {
				const f = failureOf(c.error(), locale, { requestId: 'req-9' });
				expect(f.status).toBe(c.status);
				expect(f.error.code).toBe(c.code);
				expect(f.error.message).toBe(c.message(locale));
				if (c.field) expect(f.error.field).toBe(c.field);
				// the message is translated, never a catalogue key nor the error's own text
				expect(f.error.message).not.toMatch(/^[a-z_]+(\.[a-z_0-9]+)+$/);
				expect(f.error.message).not.toContain('secret internals');
			});
		}
	}

	it('the zod case names the same message in both languages differently', () => {
		const e = () => z.object({ qty: z.number() }).safeParse({ qty: 'x' }).error;
		expect(failureOf(e(), 'zh-CN').error.message).not.toBe(failureOf(e(), 'en').error.message);
	});

	it('gives an unknown error the request id and a 503 its Retry-After', () => {
		expect(failureOf(new Error('x'), 'en', { requestId: 'req-9' }).error.requestId).toBe('req-9');
		expect(failureOf(new Error('x'), 'en').error.requestId).toMatch(/^[0-9a-f-]{36}$/);
		expect(failureOf(unavailable(), 'en').headers).toEqual({ 'retry-after': '2' });
	});

	it('the API (errorPayload) answers with the same body', () => {
		for (const c of CASES) {
			const api = errorPayload(c.error(), 'en', { requestId: 'r' });
			const edge = failureOf(c.error(), 'en', { requestId: 'r' });
			expect(api.status).toBe(edge.status);
			expect(api.body).toEqual({ error: edge.error });
		}
	});
});

describe('pageLoad', () => {
	for (const c of CASES.filter((c) => c.status < 500)) {
		it(`${c.name} → Kit error ${c.status} {code, message} translated`, async () => {
			const load = pageLoad(async () => {
				throw c.error();
			});
			const thrown = await load({ locals: locals('en') } as never).catch((e: unknown) => e);
			expect(isHttpError(thrown)).toBe(true);
			const e = thrown as { status: number; body: App.Error };
			expect(e.status).toBe(c.status);
			expect(e.body).toEqual({ code: c.code, message: c.message('en') });
		});
	}

	it('leaves an unreachable database and unknown errors to handleError (same mapping there)', async () => {
		for (const c of CASES.filter((c) => c.status >= 500)) {
			const err = c.error();
			const load = pageLoad(async () => {
				throw err;
			});
			expect(await load({ locals: locals('en') } as never).catch((e: unknown) => e)).toBe(err);
		}
	});

	it('passes redirects through and returns data', async () => {
		const r = pageLoad(() => redirect(303, '/x'));
		expect(
			isRedirect(
				await (r({ locals: locals('en') } as never) as Promise<unknown>).catch((e: unknown) => e)
			)
		).toBe(true);
		expect(await pageLoad(() => ({ a: 1 }))({ locals: locals('en') } as never)).toEqual({ a: 1 });
	});

	it('pageError builds the same body outside a load (hooks, endpoints)', () => {
		const e = pageError(forbidden('error.403'), { locals: locals('zh-CN') }) as {
			status: number;
			body: App.Error;
		};
		expect(e.status).toBe(403);
		expect(e.body).toEqual({ code: 'forbidden', message: translate('zh-CN', 'error.403') });
	});
});

describe('formAction', () => {
	for (const c of CASES) {
		it(`${c.name} → fail(${c.status}) with the error in place and the values back`, async () => {
			const { event } = formEvent({ title: '连衣裙', password: 'hunter22' }, 'en');
			const action = formAction(
				undefined,
				() => {
					throw c.error();
				},
				{ action: 'save' }
			);
			const r = await action(event);
			expect(isActionFailure(r)).toBe(true);
			const f = r as { status: number; data: Record<string, unknown> };
			expect(f.status).toBe(c.status);
			expect(f.data).toMatchObject({
				action: 'save',
				error: { code: c.code, message: c.message('en') },
				values: { title: '连衣裙' }
			});
			if (c.field) expect((f.data.error as { field?: string }).field).toBe(c.field);
			// a password is never sent back
			expect(f.data.values).not.toHaveProperty('password');
		});
	}

	it('parses with its schema (400 naming the field) and hands the input on', async () => {
		const schema = z.object({ qty: z.coerce.number().int().min(1) });
		const seen: unknown[] = [];
		const action = formAction(schema, ({ input }) => {
			seen.push(input);
			return { ok: true };
		});
		expect(await action(formEvent({ qty: '3' }).event)).toEqual({ ok: true });
		expect(seen).toEqual([{ qty: 3 }]);
		const bad = (await action(formEvent({ qty: '0' }).event)) as {
			status: number;
			data: { error: { field: string } };
		};
		expect(bad.status).toBe(400);
		expect(bad.data.error.field).toBe('qty');
	});

	it('maps the field to the form’s own, adds row ids, sets Retry-After, needs a caller', async () => {
		const { event, headers } = formEvent({ id: 'row-1' });
		const r = (await formAction(
			undefined,
			() => {
				throw new AppError('rate_limited', 'rate_limited', 'err.forbidden', {
					field: 'unitPriceFen',
					details: { retryAfter: 30 }
				});
			},
			{ field: (f) => (f === 'unitPriceFen' ? 'unitPrice' : f), extra: (v) => ({ id: v.id }) }
		)(event)) as { status: number; data: { id: string; error: { field: string } } };
		expect(r.status).toBe(429);
		expect(r.data.id).toBe('row-1');
		expect(r.data.error.field).toBe('unitPrice');
		expect(headers['retry-after']).toBe('30');

		const anon = formEvent({}, 'zh-CN', null).event;
		const r2 = (await formAction(undefined, ({ principal }) => principal())(anon)) as {
			status: number;
			data: { error: { code: string; message: string } };
		};
		expect(r2.status).toBe(401);
		expect(r2.data.error).toMatchObject({
			code: 'unauthenticated',
			message: translate('zh-CN', 'err.sign_in')
		});
	});

	it('lets redirects through', async () => {
		const thrown = await formAction(undefined, () => redirect(303, '/done'))(
			formEvent({}).event
		).catch((e: unknown) => e);
		expect(isRedirect(thrown)).toBe(true);
	});

	it('formFailure can send no values back', () => {
		const { event } = formEvent({});
		const r = formFailure(event, forbidden(), { a: '1' }, { keepValues: false });
		expect(r.data.values).toEqual({});
	});
});

describe('socketAck', () => {
	const socket = (locale: 'zh-CN' | 'en') => ({
		id: 's1',
		data: { principal: tokenPrincipal({ tokenId: 't', orgId: 'o', orgKind: 'host_team' }, locale) }
	});

	for (const c of CASES) {
		it(`${c.name} → {ok:false, error} translated for the socket`, async () => {
			const handler = socketAck(socket('zh-CN'), 'TestV1', z.unknown(), () => {
				throw c.error();
			});
			const acks: unknown[] = [];
			await handler({}, (r: unknown) => acks.push(r));
			expect(acks).toHaveLength(1);
			const a = acks[0] as {
				ok: boolean;
				error: { code: string; message: string; field?: string };
			};
			expect(a.ok).toBe(false);
			expect(a.error.code).toBe(c.code);
			expect(a.error.message).toBe(c.message('zh-CN'));
			if (c.field) expect(a.error.field).toBe(c.field);
		});
	}

	it('parses the payload (400 naming the field), answers data, ignores calls without an ack', async () => {
		const run = vi.fn(async ({ showId }: { showId: string }) => ({ showId }));
		const handler = socketAck(socket('en'), 'ShowWatchV1', z.object({ showId: z.uuid() }), run);
		const acks: unknown[] = [];
		await handler({ showId: 'nope' }, (r: unknown) => acks.push(r));
		expect(acks[0]).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'showId' } });
		const id = '33333333-3333-4333-8333-333333333333';
		await handler({ showId: id }, (r: unknown) => acks.push(r));
		expect(acks[1]).toEqual({ ok: true, data: { showId: id } });
		await handler({ showId: id }, undefined);
		expect(run).toHaveBeenCalledTimes(1);
	});

	it('names the body when the whole payload is a string with a control character', async () => {
		const handler = socketAck(socket('en'), 'ShowWatchV1', z.object({ showId: z.uuid() }), vi.fn());
		const acks: unknown[] = [];
		await handler('\u0013x', (r: unknown) => acks.push(r));
		await handler({ showId: 'a\u0000' }, (r: unknown) => acks.push(r));
		expect(acks[0]).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'body' } });
		expect(acks[1]).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'showId' } });
	});
});
