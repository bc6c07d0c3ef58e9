import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Webhook signing secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256) from WEBHOOK_SECRET_KEY. A
 * delivery must sign with the secret itself, so unlike tokens it cannot be hashed; encrypting it keeps a database
 * dump from being enough to forge deliveries. The webhook's id is the associated data: a ciphertext copied to
 * another webhook's row does not decrypt there. Each ciphertext names its key (`v1:<key id>:…`, the id a
 * fingerprint of the key), so a replica claims only the deliveries it can sign (SQL filters on it) and a key
 * change leaves the old webhooks' deliveries pending instead of failing them on the replicas with the new key.
 */
export class SecretBox {
  private readonly key: Buffer;
  /** The key's id: 8 hex characters of a hash of the derived key (says nothing about it). */
  readonly keyId: string;

  constructor(keyMaterial: string) {
    this.key = Buffer.from(hkdfSync('sha256', keyMaterial, 'superflag', 'webhook-secrets', 32));
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 8);
  }

  seal(secret: string, webhookId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(webhookId));
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, iv.toString('base64'), cipher.getAuthTag().toString('base64'), sealed.toString('base64')].join(':');
  }

  /** The secret, or null when it was sealed under another key (WEBHOOK_SECRET_KEY changed) or for another webhook. */
  open(sealed: string, webhookId: string): string | null {
    const [version, keyId, iv, tag, data] = sealed.split(':');
    if (version !== VERSION || keyId !== this.keyId || !iv || !tag || !data) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(webhookId));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

export const KEY_FILE = 'webhook-secret.key';

/**
 * The key material when WEBHOOK_SECRET_KEY is unset, for the embedded quick start only: generated once and kept
 * beside the database in DATA_DIR (owner-only permissions), or held in memory for `memory://` (whose database
 * dies with the process anyway). null with PostgreSQL: replicas must share a key the operator sets.
 */
export function defaultKeyMaterial(settings: { DATABASE_URL?: string; DATA_DIR: string }): string | null {
  if (settings.DATABASE_URL) return null;
  if (settings.DATA_DIR === 'memory://') return randomBytes(32).toString('base64');
  const path = join(settings.DATA_DIR, KEY_FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const material = randomBytes(32).toString('base64');
  writeFileSync(path, `${material}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return material;
}

/** A new Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
