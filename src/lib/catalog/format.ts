import { bpToPercentString, fenToYuanString } from '$lib/domain/money';

/** ¥35.00 in every language: buyers read yuan with two decimals. */
export const yuan = (fen: number) => `¥${fenToYuanString(fen)}`;

/** "11.7" for 1170 bp. */
export const percent = (bp: number) => bpToPercentString(bp);
