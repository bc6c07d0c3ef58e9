import { DomainEvents, type DomainEvent, hashSecret } from '@superflag/core';
import { aUser } from '../../apps/test/fakes';
import { environmentsWith } from '../../environments/test/fakes';
import type { ApiKey } from '../src/api-key.entity';
import type { ApiKeyStore } from '../src/api-key.store';
import { KeysService } from '../src/keys.service';

type Public<T> = Pick<T, keyof T>;

/** api_keys in memory. */
export class MemoryApiKeyStore implements Public<ApiKeyStore> {
  readonly rows: ApiKey[] = [];
  readonly connected = true;

  async pageActive(environmentId: string) {
    return { items: this.rows.filter((k) => k.environmentId === environmentId && !k.revokedAt), nextCursor: null };
  }
  async countActive(environmentId: string) {
    return this.rows.filter((k) => k.environmentId === environmentId && !k.revokedAt).length;
  }
  async insert(key: Omit<ApiKey, 'createdAt'>) {
    const row = { ...key, createdAt: new Date() };
    this.rows.push(row);
    return { ...row };
  }
  async findActive(id: string) {
    return this.rows.find((k) => k.id === id && !k.revokedAt) ?? null;
  }
  /** Each call is one statement: the hashes asked for together. */
  readonly lookups: string[][] = [];
  async findActiveByHash(keyHashes: readonly string[]) {
    this.lookups.push([...keyHashes]);
    return this.rows.filter((k) => keyHashes.includes(k.keyHash) && !k.revokedAt);
  }
  async revoke(id: string, at: Date) {
    const key = await this.findActive(id);
    if (key) key.revokedAt = at;
    return !!key;
  }
  /** Each call is one statement: the uses written together. */
  readonly touches: Array<ReadonlyMap<string, Date>> = [];
  async touch(uses: ReadonlyMap<string, Date>) {
    this.touches.push(new Map(uses));
    for (const [id, at] of uses) {
      const row = this.rows.find((k) => k.id === id);
      if (row && (!row.lastUsedAt || row.lastUsedAt < at)) row.lastUsedAt = at;
    }
  }
  async activeAmong(ids: string[]) {
    return new Set(this.rows.filter((k) => ids.includes(k.id) && !k.revokedAt).map((k) => k.id));
  }
}

/** KeysService over in-memory stores, an app with its default environments, and a bus that records. */
export async function createFakeKeys(options: { keysPerEnv?: number } = {}) {
  const fake = environmentsWith();
  const owner = aUser('usr_owner');
  const app = await fake.lifecycle.create(owner, 'shop');
  const store = new MemoryApiKeyStore();
  const published: unknown[] = [];
  const bus = { subscribe: () => undefined, publish: async (e: unknown) => void published.push(e) };
  const config = { LIMIT_KEYS_PER_ENV: options.keysPerEnv ?? 10, CACHE_MAX_KEYS: 100 };
  const events = fake.events as DomainEvents;
  const emitted: DomainEvent[] = fake.emitted;
  const auditLog = { record: async () => undefined };
  const keys = new KeysService(
    store as never,
    fake.transactions as never,
    events,
    fake.apps,
    auditLog as never,
    fake.environments,
    fake.ids as never,
    { now: () => new Date() } as never,
    bus as never,
    config as never,
  );
  return { keys, store, published, emitted, owner, app, hashSecret };
}
