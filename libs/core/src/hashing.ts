import { hash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (
  pw: string,
  salt: Buffer,
  keylen: number,
  opts: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** sha256 of a high-entropy secret: enough for tokens and keys (they are not guessable, unlike passwords). */
export function hashSecret(secret: string): string {
  // crypto.hash: the same digest as createHash().update().digest() without a Hash object per call (runs on every
  // runtime request: ~3 µs instead of ~9–16 µs here).
  return hash('sha256', secret, 'hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * scrypt N=2^17, r=8, p=1: OWASP's current guidance, 128 MiB of memory and a few hundred milliseconds per hash.
 * Hashes made with other parameters (N=2^15 before) still verify and are replaced on the next successful login.
 */
export const PASSWORD_PARAMS: Readonly<ScryptParams> = { N: 2 ** 17, r: 8, p: 1 };
const KEYLEN = 32;
/** Stored hashes are ours, but a corrupted or planted row must not make one login allocate gigabytes. */
const MAX_N = 2 ** 20;

/**
 * What scrypt needs (OpenSSL counts 128·r·(N+p+2) bytes); Node refuses anything above `maxmem`, whose default
 * (32 MiB) is below N=2^17, so it is given exactly what the parameters need.
 */
const maxmemFor = ({ N, r, p }: ScryptParams) => 128 * r * (N + p + 2) + 1024 * 1024;

/**
 * Each scrypt at N=2^17 holds 128 MiB while it runs, and libuv would run four at once: a burst of logins could
 * then take 512 MiB of a replica. Two at a time bound it to 256 MiB; on a one-CPU pod a third would not finish
 * any sooner anyway.
 */
const MAX_CONCURRENT_HASHES = 2;
let hashing = 0;
const waiting: Array<() => void> = [];

async function inHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashing >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else hashing++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next waiter, so `hashing` never over- or under-counts.
    const next = waiting.shift();
    if (next) next();
    else hashing--;
  }
}

const derive = (password: string, salt: Buffer, keylen: number, params: ScryptParams) =>
  inHashSlot(() => scrypt(password.normalize('NFC'), salt, keylen, { ...params, maxmem: maxmemFor(params) }));

/** Password hash in a self-describing format: scrypt$N$r$p$salt$hash (base64), so parameters can change later. */
export async function hashPassword(password: string, params: ScryptParams = PASSWORD_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, KEYLEN, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  expected: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const powerOfTwo = Number.isInteger(N) && N >= 2 && N <= MAX_N && (N & (N - 1)) === 0;
  if (!powerOfTwo || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return null;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (salt.length === 0 || expected.length < 16) return null;
  return { N, r, p, salt, expected };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const { salt, expected, ...params } = parsed;
  const key = await derive(password, salt, expected.length, params);
  return timingSafeEqual(key, expected);
}

/** Whether a stored hash was made with other parameters than today's (it is then replaced after a successful login). */
export function needsRehash(stored: string, params: ScryptParams = PASSWORD_PARAMS): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.N !== params.N || parsed.r !== params.r || parsed.p !== params.p || parsed.expected.length !== KEYLEN;
}

/**
 * Password hashing as services use it: an object, so a service's unit tests can hash with cheap parameters
 * (the real ones cost a few hundred milliseconds and 128 MiB each).
 */
export class PasswordHasher {
  /** Verified against when there is no stored hash (an unknown email), so a miss costs as much time as a wrong password. */
  private readonly dummy: Promise<string>;

  constructor(readonly params: Readonly<ScryptParams> = PASSWORD_PARAMS) {
    this.dummy = hashPassword('superflag-timing-equaliser', params);
  }

  hash(password: string): Promise<string> {
    return hashPassword(password, this.params);
  }

  /** Whether `password` matches `stored`; false, after as much work as a real check, when there is no stored hash. */
  async verify(password: string, stored: string | undefined): Promise<boolean> {
    const ok = await verifyPassword(password, stored ?? (await this.dummy));
    return stored !== undefined && ok;
  }

  needsRehash(stored: string): boolean {
    return needsRehash(stored, this.params);
  }
}
