import { hash, verify } from '@node-rs/argon2';

// argon2id with the parameters Lucia's guide recommends (OWASP minimum).
const OPTIONS = { memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

let dummy: Promise<string> | undefined;
/** A hash to verify against when no user matches, so timing does not reveal which emails exist. */
export function dummyHash(): Promise<string> {
	dummy ??= hashPassword('lotlive-no-such-user');
	return dummy;
}
