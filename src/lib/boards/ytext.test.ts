import { describe, expect, it } from 'vitest';
import { textEdit } from './ytext';

describe('textarea edits to Y.Text operations', () => {
	it('places a typed character where the caret is, even next to the same character', () => {
		// typing 【 at 1, in front of an existing 【 (someone else's)
		expect(textEdit('a【b', 'a【【b', 2)).toEqual({ start: 1, removed: 0, inserted: '【' });
		// the same text typed after it
		expect(textEdit('a【b', 'a【【b', 3)).toEqual({ start: 2, removed: 0, inserted: '【' });
		expect(textEdit('aaa', 'aaaa', 1)).toEqual({ start: 0, removed: 0, inserted: 'a' });
	});

	it('handles backspace, delete, replacement and paste', () => {
		expect(textEdit('aab', 'ab', 1)).toEqual({ start: 1, removed: 1, inserted: '' });
		expect(textEdit('aab', 'ab', 0)).toEqual({ start: 0, removed: 1, inserted: '' });
		expect(textEdit('hello world', 'hello there', 11)).toEqual({
			start: 6,
			removed: 5,
			inserted: 'there'
		});
		expect(textEdit('讲解', '讲解：面料舒适', 7)).toEqual({
			start: 2,
			removed: 0,
			inserted: '：面料舒适'
		});
		expect(textEdit('same', 'same', 2)).toMatchObject({ removed: 0, inserted: '' });
	});
});
