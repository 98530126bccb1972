import { z } from 'zod';

/**
 * Process environment, validated once. Every server module reads configuration from here,
 * never from process.env directly, so a typo in a deployment fails loudly at start.
 */
const EnvSchema = z.object({
	NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
	DATABASE_URL: z
		.string()
		.trim()
		.optional()
		.transform((v) => (v ? v : undefined))
		.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
			message: 'DATABASE_URL must start with postgres:// or postgresql://'
		}),
	DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
	/** Named prepared statements (one round trip a query); false behind PgBouncer's transaction pooling. */
	DATABASE_PREPARE: z
		.enum(['true', 'false', '1', '0'])
		.default('true')
		.transform((v) => v === 'true' || v === '1'),
	/** Longest pause between reconnection attempts after Postgres went away (restart, failover). */
	DATABASE_RECONNECT_MAX_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
	DATA_DIR: z.string().default('./data'),
	/** PGlite location when DATABASE_URL is unset: a directory, or memory:// for tests. */
	PGLITE_DIR: z.string().optional(),
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().default('0.0.0.0'),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	/** `true` seeds the demo marketplace into an empty database at start. */
	SEED_DEMO: z
		.enum(['true', 'false', '1', '0'])
		.default('true')
		.transform((v) => v === 'true' || v === '1'),
	/** Forces the Secure flag on cookies; by default it follows the request's protocol. */
	COOKIE_SECURE: z.enum(['true', 'false', 'auto']).default('auto'),
	/** How long a validated session is remembered in process memory (ms); 0 disables. */
	SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
	SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
	/** Most orders of one show placed in one transaction; 1 = a transaction per order. */
	ORDER_BATCH_MAX: z.coerce.number().int().min(1).max(2000).default(200),
	/**
	 * Lock batches of one lot that may be under way at once: the next one's statement queues on
	 * the lot's row in the database instead of waiting in process memory.
	 */
	LOCK_BATCH_IN_FLIGHT: z.coerce.number().int().min(1).max(8).default(2),
	/**
	 * Most wholesale checkouts decided and written in one transaction; 1 = a transaction per
	 * checkout (bench:trade's baseline).
	 */
	TRADE_CHECKOUT_BATCH_MAX: z.coerce.number().int().min(1).max(2000).default(200),
	/**
	 * Checkout batches under way at once: the next one claims its keys while the previous one
	 * holds the lots, then queues on their rows in the database.
	 */
	TRADE_CHECKOUT_BATCH_IN_FLIGHT: z.coerce.number().int().min(1).max(8).default(1),
	/** The same for order batches of one show (1: larger batches place more orders a second). */
	ORDER_BATCH_IN_FLIGHT: z.coerce.number().int().min(1).max(8).default(1),
	/** Set to false to keep this process from running background jobs (expiry sweeps). */
	JOBS: z
		.enum(['true', 'false', '1', '0'])
		.default('true')
		.transform((v) => v === 'true' || v === '1'),
	/** Collaborative boards: save this long after the last edit, but at most this late. */
	COLLAB_SAVE_DEBOUNCE_MS: z.coerce.number().int().min(0).max(60_000).default(200),
	COLLAB_SAVE_MAX_WAIT_MS: z.coerce.number().int().min(0).max(300_000).default(1000),
	/** The public URL (adapter-node's ORIGIN), e.g. https://lotlive.example.cn behind a proxy. */
	ORIGIN: z
		.string()
		.trim()
		.optional()
		.transform((v) => (v ? v : undefined))
		.refine((v) => v === undefined || URL.canParse(v), {
			message: 'ORIGIN must be a URL such as https://lotlive.example.cn'
		})
		.transform((v) => (v ? new URL(v).origin : undefined)),
	/** More origins whose form posts are accepted, comma-separated (see src/lib/server/origin.ts). */
	ALLOWED_ORIGINS: z.string().optional(),
	/** Headers a trusted proxy sets with the original protocol and host (adapter-node's). */
	PROTOCOL_HEADER: z.string().optional(),
	HOST_HEADER: z.string().optional(),
	/**
	 * The salt of the carrier tracking push (快递100 subscription: each push is signed
	 * md5(param + salt)); unset, carrier pushes are refused and arrival is the buyer's to confirm.
	 */
	/**
	 * The test payment provider (an order is paid at a button press, no money moves): `auto` offers
	 * it only when the demo data is seeded (SEED_DEMO), so a real deployment never has it unless
	 * switched `on` on purpose.
	 */
	PAYMENT_TEST_PROVIDER: z.enum(['on', 'off', 'auto']).default('auto'),
	/** The test provider's signing secret (tokens and webhooks). */
	PAYMENT_TEST_SECRET: z.string().min(16).max(200).optional(),
	/** The platform's receiving account shown to buyers paying by bank transfer (default: demo). */
	PLATFORM_BANK_NAME: z.string().trim().min(2).max(100).optional(),
	PLATFORM_BANK_ACCOUNT_NAME: z.string().trim().min(2).max(100).optional(),
	PLATFORM_BANK_ACCOUNT_NO: z
		.string()
		.trim()
		.regex(/^[0-9 ]{8,40}$/)
		.optional(),
	CARRIER_PUSH_SALT: z.string().trim().min(8).max(200).optional(),
	/**
	 * Rate limits (shared by every node through Postgres; 0 switches one off). Sign-in counts
	 * failures only: per account (email) and per client address, in a sliding window.
	 */
	RATE_LIMIT_SIGNIN_ACCOUNT: z.coerce.number().int().min(0).max(1_000_000).default(10),
	RATE_LIMIT_SIGNIN_IP: z.coerce.number().int().min(0).max(1_000_000).default(100),
	RATE_LIMIT_SIGNIN_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(900),
	/** Sign-ups per client address, and API tokens created per person and per address, per window. */
	RATE_LIMIT_SIGNUP_IP: z.coerce.number().int().min(0).max(1_000_000).default(30),
	RATE_LIMIT_SIGNUP_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(3600),
	RATE_LIMIT_TOKEN_ACCOUNT: z.coerce.number().int().min(0).max(1_000_000).default(30),
	RATE_LIMIT_TOKEN_IP: z.coerce.number().int().min(0).max(1_000_000).default(100),
	/** Order webhook calls per API token (or person) per minute; counted in memory, synced each second. */
	RATE_LIMIT_WEBHOOK_PER_MIN: z.coerce.number().int().min(0).max(100_000_000).default(600_000),
	/** Optional Redis for the socket.io adapter; otherwise Postgres LISTEN/NOTIFY is used. */
	REDIS_URL: z.string().optional()
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

export function env(): Env {
	if (!cached) {
		const parsed = EnvSchema.safeParse(process.env);
		if (!parsed.success) {
			const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
			throw new Error(`Invalid environment:\n${lines.join('\n')}`);
		}
		cached = parsed.data;
	}
	return cached;
}

/** Tests change the environment between files; this forgets the cached copy. */
export function resetEnvCache(): void {
	cached = undefined;
}
