// Module resolution for dependency-cruiser (read as a webpack config by .dependency-cruiser.cjs):
// SvelteKit's $lib alias, which its generated tsconfig declares without a baseUrl.
const path = require('node:path');

module.exports = { resolve: { alias: { $lib: path.resolve(__dirname, 'src/lib') } } };
