// Module resolution for dependency-cruiser (read as a webpack config by .dependency-cruiser.cjs):
// SvelteKit's $lib alias, which its generated tsconfig declares without a baseUrl.
module.exports = { resolve: { alias: { $lib: `${__dirname}/src/lib` } } };
