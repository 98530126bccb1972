// The uploads module's wiring: the job that expires incomplete uploads, and its OpenAPI part.
import type { Module } from '../module';
import { uploadsOpenApi } from './openapi';
import { expireStaleUploads } from './service';

export const uploadsModule: Module = {
	name: 'uploads',
	jobs: [{ name: 'uploads-expiry', everyMs: 10 * 60_000, run: () => expireStaleUploads() }],
	openapi: uploadsOpenApi
};
