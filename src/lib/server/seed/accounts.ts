// The demo accounts, apart from demo.ts so the seed's parts can share them without an import
// cycle (demo.ts runs them all).
export const DEMO_PASSWORD = 'demo1234';
export const DEMO_DOMAIN = 'demo.lotlive.cn';

/** The demo accounts the README lists. */
export const DEMO_ACCOUNTS = {
	operator: `ops@${DEMO_DOMAIN}`,
	host: `host@${DEMO_DOMAIN}`,
	assistant1: `assistant1@${DEMO_DOMAIN}`,
	assistant2: `assistant2@${DEMO_DOMAIN}`,
	buyer1: `buyer1@${DEMO_DOMAIN}`,
	buyer2: `buyer2@${DEMO_DOMAIN}`,
	supplier1: `supplier1@${DEMO_DOMAIN}`,
	supplier2: `supplier2@${DEMO_DOMAIN}`,
	supplier3: `supplier3@${DEMO_DOMAIN}`,
	supplier4: `supplier4@${DEMO_DOMAIN}`
} as const;
