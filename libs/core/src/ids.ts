import { Injectable } from '@nestjs/common';
import { randomFillSync } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Random bytes from the CSPRNG, drawn 4 KB at a time and handed out one by one, each zeroed once taken (as Node's
 * randomUUID buffers its own): a randomBytes call per id cost 3–4 µs, most of it the call itself, on every write.
 */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let taken = POOL_BYTES;

function randomByte(): number {
  if (taken === POOL_BYTES) {
    randomFillSync(pool);
    taken = 0;
  }
  const b = pool[taken];
  pool[taken++] = 0;
  return b;
}

/** Uniform random base62 string: bytes >= 248 are rejected so every character is equally likely. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    if (b < 248) out += BASE62[b % 62];
  }
  return out;
}

export type IdPrefix = 'usr' | 'tok' | 'app' | 'env' | 'key' | 'flg' | 'chg';

/** Public identifiers: a type prefix and 16 random base62 characters (~95 bits), like the seed's `app_abc123`. */
@Injectable()
export class IdGenerator {
  next(prefix: IdPrefix): string {
    return `${prefix}_${randomBase62(16)}`;
  }
}

/** Secrets handed to clients once (tokens, keys): prefix + 43 base62 characters (~256 bits). */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBase62(43)}`;
}
