/** Who uses LotLive. Each role belongs to at most one organisation of the matching kind. */
const ROLES = ['operator', 'supplier_staff', 'host', 'assistant', 'buyer'] as const;
export type Role = (typeof ROLES)[number];

export const ORG_KIND_BY_ROLE = {
	operator: 'platform',
	supplier_staff: 'supplier',
	host: 'host_team',
	assistant: 'host_team',
	buyer: 'buyer'
} as const satisfies Record<Role, string>;

/** Roles a person may choose when signing up; assistants join by invitation, operators are made. */
export const SELF_SIGNUP_ROLES = ['buyer', 'supplier_staff', 'host'] as const;

/** The parts of the product; each has a home path and the roles allowed in. */
export const AREAS = {
	console: { path: '/console', roles: ['host', 'assistant', 'operator'] },
	supplier: { path: '/supplier', roles: ['supplier_staff', 'operator'] },
	// Suppliers see the marketplace as buyers see it (their own lots' public pages included).
	catalog: {
		path: '/catalog',
		roles: ['buyer', 'host', 'assistant', 'operator', 'supplier_staff']
	},
	// The buyer's wholesale trade (cart, checkout, orders, inspection). Buyers only: an operator
	// follows trade orders from the admin pages, and a cart needs a buyer organisation.
	buyer: { path: '/buyer', roles: ['buyer'] },
	admin: { path: '/admin', roles: ['operator'] },
	account: { path: '/account', roles: [...ROLES] }
} as const satisfies Record<string, { path: string; roles: readonly Role[] }>;
export type Area = keyof typeof AREAS;

/** The area a path belongs to, or undefined for public paths. */
export function areaOf(pathname: string): Area | undefined {
	for (const [name, a] of Object.entries(AREAS) as [Area, (typeof AREAS)[Area]][]) {
		if (pathname === a.path || pathname.startsWith(a.path + '/')) return name;
	}
	return undefined;
}

export function mayEnter(role: Role, area: Area): boolean {
	return (AREAS[area].roles as readonly Role[]).includes(role);
}

/** Where a role lands after signing in. */
export function homeOf(role: Role): string {
	switch (role) {
		case 'operator':
			return AREAS.admin.path;
		case 'supplier_staff':
			return AREAS.supplier.path;
		case 'host':
		case 'assistant':
			return AREAS.console.path;
		case 'buyer':
			return AREAS.catalog.path;
	}
}

/**
 * Areas a role may enter but that are no home of theirs, so the navigation leaves them out: an
 * operator reaches supplier pages (a lot's edit page) from the admin and the catalog, but has no
 * supplier organisation whose back office the nav item could open.
 */
const NOT_IN_NAV: Partial<Record<Role, readonly Area[]>> = { operator: ['supplier'] };

/** Areas shown in the navigation for a role, in order. */
export function navAreas(role: Role): Area[] {
	const order: Area[] = ['console', 'supplier', 'catalog', 'buyer', 'admin'];
	return order.filter((a) => mayEnter(role, a) && !NOT_IN_NAV[role]?.includes(a));
}
