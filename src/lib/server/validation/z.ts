// zod, with one difference: `z.string()` is the project's text schema (control characters
// refused, see text.ts). Schemas import `z` from '$lib/server/validation' instead of 'zod'.
export * from 'zod';
export { text as string } from './text';
