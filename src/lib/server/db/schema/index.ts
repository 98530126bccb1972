// One file per module; drizzle-kit reads this barrel.
export * from './orgs';
export * from './auth';
export * from './realtime';
export * from './catalog';
export * from './live';
export * from './boards';
export * from './orders';
export * from './ledger';
export * from './ratelimit';
export * from './trade';
export * from './platform';
export * from './uploads';
