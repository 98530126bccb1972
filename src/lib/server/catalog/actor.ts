import { isOperator, isSupplier, supplierOrgOf, type Principal } from '../auth/principal';
import { forbidden } from '../errors';

// Who is acting on the catalog is a Principal (auth/principal.ts); these are the catalog's
// questions about one.
export { isOperator, isSupplier };

/** The supplier organisation a caller writes for. */
export const requireSupplierOrg = (a: Principal): string =>
	supplierOrgOf(a, 'lot.err.supplier_only');

export function requireOperator(a: Principal): void {
	if (!isOperator(a)) throw forbidden('lot.err.operator_only');
}
