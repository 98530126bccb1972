import type { Module } from '../module';
import { authOpenApi } from './openapi';

/** Auth's wiring: its API (sign-up, sign-in, tokens) in the OpenAPI document. */
export const authModule: Module = {
	name: 'auth',
	openapi: authOpenApi
};
