import { bpToPercentString, fenToYuanString } from '$lib/domain/money';

/** ¥35.00 in every language: buyers read yuan with two decimals. */
export const yuan = (fen: number) => `¥${fenToYuanString(fen)}`;

/** "11.7" for 1170 bp. */
export const percent = (bp: number) => bpToPercentString(bp);

/** The Chinese way of saying a discount: 1170 bp of the tag price → "1.2" (折). */
export const zhe = (bp: number) => (Math.round(bp / 100) / 10).toFixed(1);
