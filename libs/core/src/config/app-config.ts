import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { isIP } from 'node:net';

const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);
/** TRUST_PROXY's forms: every hop (true), none (false), a hop count, or the proxies' addresses. */
export type TrustProxy = boolean | number | string[];
const toTrustProxy = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', 'yes', 'on'].includes(v)) return true;
  if (['false', 'no', 'off', ''].includes(v)) return false;
  if (/^\d+$/.test(v)) return Number(v) === 0 ? false : Number(v);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
};
const PROXY_ADDR_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isProxyAddress(entry: string): boolean {
  if (PROXY_ADDR_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}
function IsTrustProxy() {
  return (target: object, property: string) =>
    registerDecorator({
      target: target.constructor,
      propertyName: property,
      options: { message: 'must be true, false, a hop count or a comma-separated list of proxy IP addresses/CIDRs' },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'boolean' ||
          (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100) ||
          (Array.isArray(value) && value.length > 0 && value.every((e) => typeof e === 'string' && isProxyAddress(e))),
      },
    });
}
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * The one validated description of the service's settings. Every environment variable the service
 * reads is a property here (README's configuration table mirrors this class); nothing else reads process.env.
 */
export class AppConfig {
  /** HTTP port. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  /** Interface to bind. */
  @IsString()
  HOST: string = '0.0.0.0';

  /** PostgreSQL connection string; when absent the embedded engine (PGlite) under DATA_DIR is used. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  /** Connections per replica in the PostgreSQL pool. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  /** How long opening a PostgreSQL connection may take before the request fails with 503 (a down database answers fast). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  DATABASE_CONNECT_TIMEOUT_MS: number = 3_000;

  /** Longest a single SQL statement may run (PostgreSQL statement_timeout); past it the request fails with 503. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_STATEMENT_TIMEOUT_MS: number = 5_000;

  /** Directory of the embedded database (used only without DATABASE_URL). `memory://` keeps it in memory. */
  @IsString()
  @MinLength(1)
  DATA_DIR: string = './.data';

  /** Redis connection string; when absent, rate limits are kept in process memory (single replica only). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Whether anyone may create an account with POST /api/v1/auth/signup. */
  @Transform(toBool)
  @IsBoolean()
  SIGNUP_ENABLED: boolean = true;

  /** First user created at start-up when absent (for closed-signup deployments). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'must be an email address' })
  ADMIN_EMAIL?: string;

  /** Password of ADMIN_EMAIL's user (only used when the user is created). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  ADMIN_PASSWORD?: string;

  /**
   * scrypt's cost as a power of two (N = 2^this, r=8, p=1). 17 is OWASP's guidance (128 MiB and a few hundred
   * milliseconds per hash); lower it only where hashing time matters more than guessing cost (test suites).
   * Hashes made with other parameters are upgraded on the next successful login.
   */
  @Transform(toInt)
  @IsInt()
  @Min(14)
  @Max(20)
  PASSWORD_SCRYPT_LOG_N: number = 17;

  /** Login attempts allowed per email and per client IP per minute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT: number = 10;

  /** Largest accepted request body, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT: number = 1_048_576;

  /**
   * Which X-Forwarded-For hops to believe for the client address (login throttling and per-address limits key on
   * it), passed to Fastify's trustProxy: `false`; a hop count (`1`: only the address the one proxy in front, e.g.
   * the ingress, appended; `0` = false); a comma-separated list of proxy addresses/CIDRs (`10.0.0.0/8,127.0.0.1`,
   * or proxy-addr's `loopback`, `linklocal`, `uniquelocal`); or `true`, every hop (anyone can then pick their own
   * address by sending X-Forwarded-For: warned about at start-up).
   */
  @Transform(toTrustProxy)
  @IsTrustProxy()
  TRUST_PROXY: TrustProxy = false;

  /** Log level. */
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /**
   * `json`: one JSON object per line (for log collectors); `pretty`: human-readable lines (pino-pretty); `auto`:
   * pretty when stdout is a terminal, JSON otherwise (a container, a pipe, a file).
   */
  @IsIn(['auto', 'json', 'pretty'])
  LOG_FORMAT: 'auto' | 'json' | 'pretty' = 'auto';

  /** Count and enforce monthly quotas and send X-RateLimit-* headers (self-hosters may turn them off). */
  @Transform(toBool)
  @IsBoolean()
  QUOTAS_ENABLED: boolean = true;

  /** How often each replica writes its monthly usage counts to PostgreSQL (the durable copy Redis is restored from). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(5_000)
  USAGE_PERSIST_MS: number = 5_000;

  /** Monthly requests per environment on the free plan. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  QUOTA_FREE: number = 25_000;

  /** Monthly requests per environment on the pro plan. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  QUOTA_PRO: number = 100_000;

  /** Monthly requests per environment on the enterprise plan; 0 = unlimited. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  QUOTA_ENTERPRISE: number = 0;

  /**
   * No longer grants anything (anyone could sign up first with a listed address): accepted so old deployments
   * still start, with a start-up warning. Operators are the ADMIN_EMAIL account and those granted through
   * POST /api/v1/operators.
   */
  @IsString()
  ADMIN_EMAILS: string = '';

  /** Requests a minute per cli_ token (0 = off). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  BURST_TOKEN_LIMIT: number = 600;

  /** Requests a minute per client IP on unauthenticated routes such as signup and login (0 = off). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  BURST_IP_LIMIT: number = 60;

  /** Requests a minute per pub_/sdk_ key on the runtime API (0 = off: the monthly quota bounds SDKs). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  BURST_KEY_LIMIT: number = 0;

  /** Requests a minute per pub_ key and client address on the runtime API (`0` = off): a key copied out of a browser cannot burn the month. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  BURST_PUB_IP_LIMIT: number = 300;

  /** Failed authentications (unknown, revoked or expired credentials) a minute per client address (`0` = off). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  BURST_AUTH_FAIL_IP_LIMIT: number = 120;

  /** Days a signup/login cli_ token stays valid after its last use (sliding). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  LOGIN_TOKEN_TTL_DAYS: number = 90;

  /** Flags per environment. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIMIT_FLAGS_PER_ENV: number = 5_000;

  /** User and company targets per flag. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIMIT_TARGETS_PER_FLAG: number = 10_000;

  /** Environments per app. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIMIT_ENVS_PER_APP: number = 50;

  /** Active runtime keys per environment. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIMIT_KEYS_PER_ENV: number = 100;

  /** Apps a user may own. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIMIT_APPS_PER_USER: number = 100;

  /** Active cli_ tokens per user (sessions and minted tokens). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIMIT_TOKENS_PER_USER: number = 100;

  /** Webhooks per app. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIMIT_WEBHOOKS_PER_APP: number = 20;

  /** Open SSE streams per runtime key on one replica; the next one gets 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIMIT_STREAMS_PER_KEY: number = 1_000;

  /** Open SSE streams per replica; the next one gets 503 with Retry-After (another replica may have room). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LIMIT_STREAMS: number = 10_000;

  /** Memory budget of the runtime's snapshot cache, in MiB (least recently used environments are evicted past it). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CACHE_MEMORY_MB: number = 256;

  /** Verified runtime keys and tokens kept in memory per replica (least recently used evicted past it). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CACHE_MAX_KEYS: number = 100_000;

  /** Bytes an SSE stream may have buffered unsent before the slow consumer is dropped. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  SSE_MAX_BUFFER_BYTES: number = 1_048_576;

  /** Serve Swagger UI at /docs and the document at /docs-json. */
  @Transform(toBool)
  @IsBoolean()
  DOCS_ENABLED: boolean = true;

  /**
   * Answer steady-state runtime config reads ahead of Fastify (FastLane): same checks, headers, metrics and log
   * lines, without Fastify's per-request cost. false: every request goes through Fastify (and its extension hooks).
   */
  @Transform(toBool)
  @IsBoolean()
  FAST_LANE: boolean = true;

  /** On SIGTERM, how long in-flight requests may take to finish before their connections are closed. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_GRACE_MS: number = 10_000;

  /**
   * After SIGTERM, how long the listener keeps accepting new connections (readiness already failing) before it
   * closes: time for load balancers without a preStop hook to stop routing here. 0 = close it at once.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(120_000)
  SHUTDOWN_DELAY_MS: number = 0;

  /** Bearer token GET /metrics requires; empty = the endpoint is open (keep it off the public ingress). */
  @IsString()
  @ValidateIf((c: AppConfig) => c.METRICS_TOKEN !== '')
  @MinLength(16)
  METRICS_TOKEN: string = '';

  /**
   * Key that encrypts webhook signing secrets at rest (AES-256-GCM; any string of 32+ characters, e.g.
   * `openssl rand -base64 32`). Unset: the embedded engine keeps a generated key in DATA_DIR/webhook-secret.key
   * (in memory for `memory://`); with DATABASE_URL, webhooks cannot be created until it is set. Changing it makes
   * existing webhooks' secrets unreadable (their deliveries fail): recreate them.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32)
  WEBHOOK_SECRET_KEY?: string;

  /** Allow webhook URLs on private, loopback, link-local and other non-public addresses (a trusted network or tests only). */
  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE: boolean = false;

  /** How long one delivery attempt may take (connect, send, response) before it counts as failed. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS: number = 10_000;

  /** Attempts per delivery, the first included; after the last failure the delivery is `failed`. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30)
  WEBHOOK_MAX_ATTEMPTS: number = 10;

  /** Delay before the first retry; each further retry doubles it (with jitter: 50–100 % of it), up to one hour. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS: number = 5_000;

  /** How often each replica looks for due deliveries (it is woken at once for those it enqueued itself). */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  WEBHOOK_POLL_MS: number = 1_000;

  /** Delivery attempts in flight at once per replica. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  WEBHOOK_CONCURRENCY: number = 4;

  /** Days finished (succeeded or failed) deliveries are kept for GET …/deliveries. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  WEBHOOK_RETENTION_DAYS: number = 30;
}

export class ConfigError extends Error {}

/** Reads and validates the settings; the first problem is reported as one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const picked: Record<string, unknown> = {};
  for (const name of [...known, 'DATABASE_URL', 'REDIS_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'WEBHOOK_SECRET_KEY']) {
    if (env[name] !== undefined) picked[name] = env[name];
  }
  const config = plainToInstance(AppConfig, picked);
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const e = errors[0];
    const shown = /PASSWORD|URL|TOKEN|SECRET/.test(e.property) ? '(hidden)' : JSON.stringify(e.value);
    throw new ConfigError(`Invalid configuration: ${e.property}=${shown} ${Object.values(e.constraints ?? {})[0] ?? 'is invalid'}`);
  }
  if ((config.ADMIN_EMAIL === undefined) !== (config.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  return config;
}
