import { Logger } from '@nestjs/common';
import { ClientOfflineError, createClient, type RedisClientType } from 'redis';
import { RedisOutageLog } from './redis-outage-log';

export type RedisClient = RedisClientType;
/**
 * Injection token of the shared Redis client; `null` when REDIS_URL is not configured. The client may not be
 * connected (yet, or any more): `isReady` says whether it is, and every command fails at once while it is not.
 */
export const REDIS = Symbol('REDIS');

/** How long start-up waits for a first connection before going on without Redis. */
const BOOT_WAIT_MS = 2_500;
const CONNECT_TIMEOUT_MS = 2_000;
/** A connection accepted but silent this long (a handshake into a partition) is dropped and retried. */
const SOCKET_IDLE_MS = 5_000;
/** Reconnect delays double from 100 ms up to this cap, jittered so replicas do not reconnect in lockstep. */
const BACKOFF_CAP_MS = 2_000;
/**
 * A partition leaves the TCP connection open and silent, and node-redis would wait for it without end: a PING
 * every second that goes unanswered for 1.5 s drops the connection, which fails pending commands and reconnects.
 */
const HEARTBEAT_MS = 1_000;
const HEARTBEAT_TIMEOUT_MS = 1_500;

interface Supervision {
  heartbeat: NodeJS.Timeout;
  closing: boolean;
  /** Resolves once start-up may go on: connected, known down, or no answer within BOOT_WAIT_MS. */
  settled: Promise<void>;
}
const supervised = new WeakMap<object, Supervision>();

/** `redis://host:port/db` without credentials, for logs. */
export function redisLocation(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.length > 1 ? u.pathname : ''}`;
}

export function backoff(retries: number): number {
  const ceiling = Math.min(100 * 2 ** retries, BACKOFF_CAP_MS);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * The shared client: resolves within BOOT_WAIT_MS whether or not Redis answers (one warning line when it does
 * not), and keeps connecting in the background with capped, jittered backoff.
 */
export async function openRedis(url: string): Promise<RedisClient> {
  const client = createClient({
    url,
    // Fail fast while disconnected instead of queueing: callers (rate limits, quotas, the bus) fall back.
    disableOfflineQueue: true,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, socketTimeout: SOCKET_IDLE_MS, reconnectStrategy: backoff },
    // node-redis 6 gives every command a 5 s AbortSignal.timeout by default. It guards only the wait to be written
    // (the heartbeat below covers a command sent into a partition), and its timer fires 5 s later even when the
    // command answered at once: each firing builds a DOMException with its stack trace. That was about 4 % of a
    // flag write's CPU. Commands cannot wait to be written here: the offline queue is off, and a stuck connection
    // is dropped by the heartbeat, which fails every pending command.
    commandOptions: { timeout: 0 },
  }) as unknown as RedisClient;
  const log = new RedisOutageLog(new Logger('Redis'), redisLocation(url));
  supervise(client, log);
  await supervised.get(client)!.settled;
  return client;
}

/** A second connection with the same settings (pub/sub needs its own), supervised quietly: the main client speaks for both. */
export function duplicateRedis(client: RedisClient): RedisClient {
  const copy = client.duplicate() as RedisClient;
  supervise(copy);
  return copy;
}

/** Resolves true once connected, false after `ms` (for tools and tests that need Redis up). */
export async function whenRedisReady(client: RedisClient, ms: number): Promise<boolean> {
  if (client.isReady) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(client.isReady), ms);
    client.on('ready', onReady);
  });
}

/** Connects and waits for the first connection (tools and tests; the app uses openRedis). */
export async function connectRedis(url: string): Promise<RedisClient> {
  const client = await openRedis(url);
  if (!(await whenRedisReady(client, 10_000))) {
    await closeRedis(client);
    throw new Error(`Redis at ${redisLocation(url)} unavailable`);
  }
  return client;
}

/** Stops reconnecting and closes the connection: QUIT when connected (bounded), at once otherwise. */
export async function closeRedis(client: RedisClient): Promise<void> {
  const s = supervised.get(client);
  if (s) {
    s.closing = true;
    clearInterval(s.heartbeat);
  }
  if (client.isReady) {
    await Promise.race([client.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
  if (client.isOpen) client.destroy();
}

function supervise(client: RedisClient, log?: RedisOutageLog): void {
  let settle!: () => void;
  const s: Supervision = { heartbeat: undefined as never, closing: false, settled: new Promise<void>((r) => (settle = r)) };
  supervised.set(client, s);
  failFastTransactions(client);

  client.on('ready', () => {
    log?.connected();
    settle();
  });
  // Without a listener node-redis would throw; each failed attempt lands here and is summarised, not logged.
  client.on('error', (err: Error) => {
    if (s.closing) return;
    log?.failed(err);
    settle();
  });
  setTimeout(() => {
    if (!client.isReady) log?.failed(new Error(`no answer within ${BOOT_WAIT_MS / 1000} s`));
    settle();
  }, BOOT_WAIT_MS).unref();

  // node-redis times commands out only while they wait to be written, never once sent: time the PING here.
  let beating = false;
  s.heartbeat = setInterval(() => {
    if (beating || !client.isReady) return;
    beating = true;
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), HEARTBEAT_TIMEOUT_MS).unref()));
    void Promise.race([
      client.ping().then(
        () => false,
        () => false,
      ),
      silent,
    ]).then((dead) => {
      clearTimeout(timer);
      beating = false;
      if (!dead || s.closing || !client.isReady) return;
      log?.failed(new Error(`no answer to PING within ${HEARTBEAT_TIMEOUT_MS} ms`));
      // destroy() fails every pending command at once; connect() starts over with backoff.
      client.destroy();
      connectInBackground(client, s);
    });
  }, HEARTBEAT_MS).unref();

  connectInBackground(client, s);
}

function connectInBackground(client: RedisClient, s: Supervision): void {
  // Never rejects while reconnecting (the strategy never gives up); it rejects only when closed.
  if (!s.closing) client.connect().catch(() => undefined);
}

/**
 * node-redis checks for a missing connection on single commands but queues MULTI and pipelines until the
 * next connection attempt fails (or forever, while a handshake hangs): make them fail at once like the rest,
 * so every caller falls back without waiting.
 */
function failFastTransactions(client: RedisClient): void {
  const target = client as unknown as Record<'_executeMulti' | '_executePipeline', (...args: unknown[]) => Promise<unknown>>;
  for (const name of ['_executeMulti', '_executePipeline'] as const) {
    const original = target[name];
    if (typeof original !== 'function') throw new Error(`node-redis no longer has ${name}: review failFastTransactions`);
    target[name] = function (this: unknown, ...args: unknown[]) {
      return client.isReady ? original.apply(this, args) : Promise.reject(new ClientOfflineError());
    };
  }
}
