import type { Logger } from '@nestjs/common';

const SUMMARY_EVERY_MS = 60_000;
const DEGRADED = 'local quotas and rate limits, no cross-replica invalidation until it connects; retrying in the background';

/**
 * What an operator needs to hear about the Redis connection, and no more: one line when it becomes
 * unavailable, at most one summary a minute while it stays so, one line when it is back. node-redis reports
 * every failed attempt; logging each would bury everything else.
 */
export class RedisOutageLog {
  private state: 'starting' | 'up' | 'down' = 'starting';
  private failures = 0;
  private lastLine = 0;

  constructor(
    private readonly logger: Pick<Logger, 'log' | 'warn'>,
    private readonly location: string,
    private readonly now: () => number = Date.now,
  ) {}

  connected(): void {
    if (this.state === 'down')
      this.logger.log(`Redis at ${this.location} connected: shared quotas, rate limits and cross-replica invalidation resumed`);
    this.state = 'up';
  }

  failed(err: Error): void {
    const reason = describe(err);
    if (this.state === 'starting') {
      this.logger.warn(`Redis at ${this.location} unavailable (${reason}): starting degraded — ${DEGRADED}`);
    } else if (this.state === 'up') {
      this.logger.warn(`Redis at ${this.location} lost (${reason}): degraded — ${DEGRADED}`);
    } else {
      this.failures++;
      if (this.now() - this.lastLine < SUMMARY_EVERY_MS) return;
      this.logger.warn(
        `Redis at ${this.location} still unavailable (${reason}) after ${this.failures} more attempts; retrying in the background`,
      );
    }
    this.state = 'down';
    this.failures = 0;
    this.lastLine = this.now();
  }
}

/** ECONNREFUSED rather than an empty AggregateError message (localhost resolving to two addresses). */
function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code) return code;
  const inner = (err as Partial<AggregateError>).errors?.[0] as NodeJS.ErrnoException | undefined;
  return inner?.code ?? (err.message || err.name);
}
