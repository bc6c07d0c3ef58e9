import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Uniform random base62 string: bytes >= 248 are rejected so every character is equally likely. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const bytes = randomBytes(Math.ceil((length - out.length) * 1.1) + 4);
    for (const b of bytes) {
      if (b < 248) out += BASE62[b % 62];
      if (out.length === length) break;
    }
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
