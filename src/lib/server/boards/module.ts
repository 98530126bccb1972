// The boards module's wiring: it owns the /collab/<boardId> documents (who may open them, and
// their Postgres store).
import type { Module } from '../module';
import { boardsOpenApi } from './openapi';
import { boardAccess } from './service';
import { createBoardPersistence } from './store';

export const boardsModule: Module = {
	name: 'boards',
	collab: { access: boardAccess, persistence: () => createBoardPersistence() },
	openapi: boardsOpenApi
};
