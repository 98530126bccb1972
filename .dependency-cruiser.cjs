// Boundaries between the server's modules, checked by `npm run check:deps` (part of
// `npm run check`). docs/ARCHITECTURE.md explains the shape these rules keep.
// A module is a folder under src/lib/server/ (catalog, live, orders, ledger…); the files directly
// in src/lib/server/ (errors, http, log, module.ts…) are the shared kernel.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		{
			name: 'no-module-cycles',
			severity: 'error',
			comment:
				'Modules talk through the typed server events (src/lib/server/events) and the module ' +
				'list (src/lib/server/modules.ts), never by importing each other in a circle.',
			from: { path: '^src/lib/server/([^/]+)/' },
			to: {
				circular: true,
				viaOnly: { dependencyTypesNot: ['type-only'] }
			}
		},
		{
			name: 'no-folder-cycles',
			severity: 'error',
			scope: 'folder',
			comment: 'No cycle between folders.',
			from: { path: '^src/lib/server/[^/]+' },
			to: { circular: true }
		},
		{
			name: 'no-cycles',
			severity: 'error',
			comment: 'No import cycle anywhere in the source (type-only imports aside).',
			from: { path: '^src/' },
			to: {
				circular: true,
				viaOnly: { dependencyTypesNot: ['type-only'] }
			}
		},
		{
			name: 'routes-never-import-db',
			severity: 'error',
			comment:
				'Routes stay thin: they call module services, which own their tables. ' +
				'Types from the schema are fine (type-only imports).',
			from: { path: '^src/(routes|hooks\\.server\\.ts)' },
			to: {
				path: '^src/lib/server/db/',
				dependencyTypesNot: ['type-only']
			}
		},
		{
			name: 'ledger-tables-only-from-ledger',
			severity: 'error',
			comment:
				'Only the ledger module writes its tables (src/lib/server/boundaries.test.ts checks ' +
				'the statements; this keeps others from importing the tables at all). The seed ' +
				'reads them for the demo.',
			from: {
				path: '^src/',
				pathNot: ['^src/lib/server/ledger/', '^src/lib/server/db/', '\\.test\\.ts$']
			},
			to: { path: '^src/lib/server/db/schema/ledger\\.ts$' }
		},
		{
			name: 'server-code-stays-on-the-server',
			severity: 'error',
			comment: 'Browser code (components, client modules) never imports src/lib/server.',
			from: { path: '^src/lib/(components|realtime|collab|i18n|domain|trade|uploads)/' },
			to: { path: '^src/lib/server/' }
		}
	],
	options: {
		doNotFollow: { path: 'node_modules' },
		exclude: { path: '(^|/)\\.svelte-kit/' },
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
		enhancedResolveOptions: {
			exportsFields: ['exports'],
			conditionNames: ['import', 'require', 'node', 'default', 'types'],
			extensions: ['.ts', '.js', '.svelte', '.json']
		},
		// $lib: SvelteKit's tsconfig paths have no baseUrl, so the alias is given here.
		webpackConfig: { fileName: '.dependency-cruiser-resolve.cjs' },
		combinedDependencies: false,
		moduleSystems: ['es6', 'cjs'],
		skipAnalysisNotInRules: true
	}
};
