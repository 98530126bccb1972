import type zh from '../zh-CN/trade-supplier';

export default {
	'terms.title': 'Wholesale terms',
	'terms.intro':
		'Set the quantity step, pieces per carton and price breaks (at most {max}). Each break must be below the unit price {price} and inside the grade {grade} band {min}–{max2}.',
	'terms.intro_override':
		'Set the quantity step, pieces per carton and price breaks (at most {max}). Each break must be below the unit price {price}; the operator allowed this lot’s price outside the grade band.',
	'terms.step': 'Quantity step (pieces)',
	'terms.step_hint': 'Buyers order multiples of it; the MOQ is {moq} pieces.',
	'terms.per_carton': 'Pieces per carton',
	'terms.breaks': 'Price breaks',
	'terms.break_qty': 'From quantity (pieces)',
	'terms.break_price': 'Unit price (¥)',
	'terms.break_n': 'Break {n}',
	'terms.add_break': 'Add a break',
	'terms.remove_break': 'Remove',
	'terms.none': 'No price breaks: every quantity pays the unit price {price}.',
	'terms.save': 'Save wholesale terms',
	'terms.saved': 'Wholesale terms saved.',
	'terms.err.too_many': 'At most {max} price breaks.',
	'terms.err.quantity':
		'The quantity must be at least {min} (above the MOQ and the previous break).',
	'terms.err.price':
		'The price must be below {below} (below the unit price and the previous break).',
	'terms.err.band': 'The price must be inside the grade’s band {min}–{max}.',
	'terms.err.yuan': 'Enter an amount such as 12.50.',
	'terms.err.whole': 'Enter a whole number above zero.'
} satisfies Record<keyof typeof zh, string>;
