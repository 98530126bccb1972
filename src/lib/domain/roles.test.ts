import { describe, expect, it } from 'vitest';
import { areaOf, homeOf, mayEnter, navAreas } from './roles';

describe('roles and areas', () => {
	it('maps paths to areas by prefix, not by substring', () => {
		expect(areaOf('/supplier')).toBe('supplier');
		expect(areaOf('/supplier/lots/1')).toBe('supplier');
		expect(areaOf('/suppliers')).toBeUndefined();
		expect(areaOf('/')).toBeUndefined();
		expect(areaOf('/admin/suppliers')).toBe('admin');
	});

	it('keeps buyers out of the supplier portal and the admin', () => {
		expect(mayEnter('buyer', 'supplier')).toBe(false);
		expect(mayEnter('buyer', 'admin')).toBe(false);
		expect(mayEnter('buyer', 'catalog')).toBe(true);
		expect(mayEnter('buyer', 'buyer')).toBe(true);
		expect(mayEnter('operator', 'buyer')).toBe(false);
		expect(mayEnter('supplier_staff', 'buyer')).toBe(false);
		expect(areaOf('/buyer/orders/1')).toBe('buyer');
		expect(areaOf('/buyers')).toBeUndefined();
		expect(mayEnter('supplier_staff', 'console')).toBe(false);
		expect(mayEnter('assistant', 'console')).toBe(true);
	});

	it('sends each role home and shows only its areas', () => {
		expect(homeOf('host')).toBe('/console');
		expect(homeOf('buyer')).toBe('/catalog');
		expect(navAreas('assistant')).toEqual(['console', 'catalog']);
		expect(navAreas('operator')).toEqual(['console', 'catalog', 'admin']);
		expect(navAreas('supplier_staff')).toEqual(['supplier', 'catalog']);
		expect(navAreas('buyer')).toEqual(['catalog', 'buyer']);
	});

	it('lets suppliers see the marketplace and operators reach supplier pages without a nav item', () => {
		expect(mayEnter('supplier_staff', 'catalog')).toBe(true);
		expect(mayEnter('operator', 'supplier')).toBe(true);
		expect(navAreas('operator')).not.toContain('supplier');
	});
});
