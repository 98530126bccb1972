import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import {
	answerFormToBody,
	evidenceFormToBody,
	fileFormField,
	fileFormToBody,
	stepFormField,
	withFormFields
} from './dispute-forms';

const ORDER = '00000000-0000-4000-8000-000000000001';
const L0 = '00000000-0000-4000-8000-0000000000a0';
const L1 = '00000000-0000-4000-8000-0000000000a1';
const L2 = '00000000-0000-4000-8000-0000000000a2';

describe('the dispute filing form', () => {
	it('sends only the lines with an affected quantity, loss in percent as basis points, refund in yuan', () => {
		const { body, rows } = fileFormToBody(
			ORDER,
			{
				'lines.0.lineId': L0,
				'lines.0.quantity': '',
				'lines.0.problem': 'short',
				'lines.1.lineId': L1,
				'lines.1.quantity': ' 3 ',
				'lines.1.problem': 'damaged',
				'lines.1.loss': '12.5',
				'lines.2.lineId': L2,
				'lines.2.quantity': '2',
				'lines.2.problem': 'wrong_item',
				'lines.2.loss': '',
				remedy: 'partial_refund',
				refund: '¥18.50',
				description: '  外箱压坏\n两件破损  '
			},
			['u1', '', 'u2']
		);
		expect(rows).toEqual([1, 2]);
		expect(body).toEqual({
			orderId: ORDER,
			lines: [
				{ lineId: L1, quantity: 3, problem: 'damaged', lossBp: 1250 },
				{ lineId: L2, quantity: 2, problem: 'wrong_item', lossBp: 0 }
			],
			remedy: 'partial_refund',
			refundFen: 1850,
			description: '外箱压坏\n两件破损',
			evidence: [{ uploadId: 'u1' }, { uploadId: 'u2' }]
		});
	});

	it('passes what does not read as a number on as typed, for the service to refuse at its field', () => {
		const { body } = fileFormToBody(
			ORDER,
			{
				'lines.0.lineId': L0,
				'lines.0.quantity': '1.5',
				'lines.0.loss': 'most',
				remedy: 'exchange',
				refund: 'ten'
			},
			[]
		);
		expect(body).toMatchObject({
			lines: [{ lineId: L0, quantity: '1.5', problem: '', lossBp: 'most' }],
			refundFen: 'ten'
		});
		expect(body).not.toHaveProperty('description');
		// An empty refund is not sent (the remedy's estimate is used).
		expect(fileFormToBody(ORDER, { remedy: 'exchange' }, []).body).not.toHaveProperty('refundFen');
	});

	it('names the service’s fields as the form’s, manifest lines by the row the buyer sees', () => {
		const rows = [1, 4];
		expect(fileFormField('lines.1.lossBp', rows)).toBe('lines.4.loss');
		expect(fileFormField('lines.0.quantity', rows)).toBe('lines.1.quantity');
		expect(fileFormField('lines.0.problem', rows)).toBe('lines.1.problem');
		expect(fileFormField('lines.0', rows)).toBe('lines.1.quantity');
		expect(fileFormField('lines.7.quantity', rows)).toBe('lines');
		expect(fileFormField('refundFen', rows)).toBe('refund');
		expect(fileFormField('evidence.2.uploadId', rows)).toBe('evidence');
		expect(fileFormField('orderId', rows)).toBe('orderId');
		expect(fileFormField(undefined, rows)).toBeUndefined();
	});

	it('renames a failure’s field and its issues’ fields, keeping its kind, code and params', () => {
		const e = new AppError('invalid', 'invalid_input', 'trade.dispute.err.loss', {
			field: 'lines.0.lossBp',
			params: { maximum: 10000 },
			issues: [
				{ field: 'lines.0.lossBp', message: 'trade.dispute.err.loss' },
				{ field: 'refundFen', message: 'trade.dispute.err.refund' }
			]
		});
		const m = withFormFields(e, (f) => fileFormField(f, [3])) as AppError;
		expect([m.status, m.code, m.message, m.field, m.params]).toEqual([
			400,
			'invalid_input',
			'trade.dispute.err.loss',
			'lines.3.loss',
			{ maximum: 10000 }
		]);
		expect(m.issues?.map((i) => i.field)).toEqual(['lines.3.loss', 'refund']);
		const other = new Error('boom');
		expect(withFormFields(other, (f) => f)).toBe(other);
	});
});

describe('the dispute step forms', () => {
	it('reads the supplier’s answer; a counter carries its refund in fen', () => {
		expect(answerFormToBody({ answer: 'accept', refund: '5' })).toEqual({ answer: 'accept' });
		expect(answerFormToBody({ answer: 'counter', refund: '12.34' })).toEqual({
			answer: 'counter',
			refundFen: 1234
		});
		expect(answerFormToBody({ answer: 'counter', refund: '' })).toEqual({ answer: 'counter' });
		expect(stepFormField('refundFen')).toBe('refund');
		expect(stepFormField('evidence.0.uploadId')).toBe('evidence');
		expect(stepFormField('trackingNo')).toBe('trackingNo');
	});

	it('sends the evidence form’s upload ids, skipping empty ones', () => {
		expect(evidenceFormToBody(['a', '', 'b'])).toEqual({
			evidence: [{ uploadId: 'a' }, { uploadId: 'b' }]
		});
	});
});
