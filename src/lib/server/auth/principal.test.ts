import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import {
	hostTeamOf,
	isOperator,
	requireSession,
	sessionPrincipal,
	supplierOrgOf,
	tokenPrincipal,
	withLocale
} from './principal';
import type { SessionUser } from './session';

const ORG = '22222222-2222-4222-8222-222222222222';
const as = (role: SessionUser['role'], orgId: string | null = ORG): SessionUser => ({
	id: '11111111-1111-4111-8111-111111111111',
	email: 'x@example.cn',
	displayName: 'x',
	role,
	orgId,
	orgName: null,
	locale: 'en'
});
const token = (orgKind: string) => tokenPrincipal({ tokenId: 't1', orgId: ORG, orgKind });
const status = (f: () => unknown) => {
	try {
		f();
	} catch (e) {
		return (e as AppError).status;
	}
	return 200;
};

describe('Principal: one caller shape for sessions and tokens', () => {
	it('a user acts with their role, for their organisation, in their language', () => {
		expect(sessionPrincipal(as('assistant'))).toEqual({
			source: 'session',
			userId: '11111111-1111-4111-8111-111111111111',
			tokenId: null,
			role: 'assistant',
			orgId: ORG,
			orgKind: 'host_team',
			locale: 'en'
		});
		expect(sessionPrincipal(as('buyer', null)).orgKind).toBeNull();
		expect(withLocale(sessionPrincipal(as('host')), 'zh-CN').locale).toBe('zh-CN');
	});

	it('a token acts for its organisation with the role its kind implies, never as an operator', () => {
		expect(token('supplier')).toMatchObject({
			source: 'token',
			role: 'supplier_staff',
			userId: null
		});
		expect(token('host_team').role).toBe('host');
		expect(token('buyer').role).toBe('buyer');
		expect(token('platform').role).toBeNull();
		expect(isOperator(token('platform'))).toBe(false);
		expect(isOperator(sessionPrincipal(as('operator')))).toBe(true);
	});

	it('answers the services’ questions the same way for both', () => {
		expect(supplierOrgOf(sessionPrincipal(as('supplier_staff')))).toBe(ORG);
		expect(supplierOrgOf(token('supplier'))).toBe(ORG);
		expect(status(() => supplierOrgOf(sessionPrincipal(as('host'))))).toBe(403);
		expect(hostTeamOf(sessionPrincipal(as('assistant'))).mayWrite).toBe(true);
		expect(hostTeamOf(token('host_team')).mayWrite).toBe(true);
		expect(hostTeamOf(token('supplier')).mayWrite).toBe(false);
		expect(hostTeamOf(sessionPrincipal(as('operator'))).isOperator).toBe(true);
		expect(status(() => requireSession(token('host_team')))).toBe(403);
		expect(status(() => requireSession(null))).toBe(401);
		expect(status(() => requireSession(sessionPrincipal(as('buyer')), ['host']))).toBe(403);
	});
});
