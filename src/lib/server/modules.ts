// The list of server modules: the one place the process learns what it runs. runtime.ts installs
// it on import (so SvelteKit, the production entry and the dev plugin all get it); tools and the
// integration tests' setup call installModules() themselves. Order matters only where several
// modules subscribe to one event: their subscribers run in this order.
import type { Json } from './openapi';
import { openApiDocument as assemble } from './platform/openapi';
import { installModules as install, type Module } from './module';
import { authModule } from './auth/module';
import { catalogModule } from './catalog/module';
import { stockModule } from './stock/module';
import { liveModule } from './live/module';
import { boardsModule } from './boards/module';
import { ordersModule } from './orders/module';
import { ledgerModule } from './ledger/module';
import { rateLimitModule } from './ratelimit/module';
import { tradeModule } from './trade/module';
import { uploadsModule } from './uploads/module';

export const modules: readonly Module[] = [
	authModule,
	catalogModule,
	stockModule,
	liveModule,
	boardsModule,
	ordersModule,
	ledgerModule,
	tradeModule,
	uploadsModule,
	rateLimitModule
];

/** Installs the module list into this process (idempotent). */
export function installModules(): void {
	install(modules);
}

/** /api/v1/openapi.json: the modules' parts in the shared envelope. */
export function openApiDocument(origin: string): Json {
	return assemble(
		origin,
		Object.fromEntries(modules.flatMap((m) => (m.openapi ? [[m.name, m.openapi()]] : [])))
	);
}
