import type zh from '../zh-CN/areas';

export default {
	'console.title': 'Live console',
	'console.welcome': 'Welcome back, {name}',
	'console.team': '{team}: team members',
	'supplier.title': 'Supplier portal',
	'supplier.status': 'Admission',
	'supplier.status.pending': 'Pending review',
	'supplier.status.admitted': 'Admitted',
	'supplier.status.blocked': 'Blocked',
	'supplier.lots_active': 'Active lots',
	'supplier.lots_total': 'All lots',
	'catalog.title': 'Catalog',
	'catalog.newest': 'Newest lots',
	'catalog.moq': 'MOQ {n}',
	'catalog.grade': 'Grade {grade}',
	'admin.title': 'Admin',
	'admin.users': 'Users',
	'admin.suppliers': 'Suppliers',
	'admin.lots': 'Lots',
	'admin.pending_suppliers': 'Suppliers awaiting review'
} as const satisfies Record<keyof typeof zh, string>;
