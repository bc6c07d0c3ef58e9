import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorFunction, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DomainError } from '../errors/domain-error';
import { Public } from '../http/public.decorator';
import { REDIS, type RedisClient } from '../redis/redis';
import { HttpDrain } from '../shutdown/http-drain';

@ApiTags('Health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(REDIS) private readonly redis: RedisClient | null,
    private readonly drain: HttpDrain,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is serving HTTP' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: the database answers. Redis is reported but not required: without it the service degrades (local counters, revalidation) instead of failing',
  })
  @ApiOkResponse({ description: 'Ready' })
  @ApiServiceUnavailableResponse({ description: 'The database is down (`{"error":"Not ready","details":{…}}`), or the replica is shutting down (`{"error":"Shutting down"}`)' })
  async ready() {
    this.refuseWhileDraining();
    const checks: HealthIndicatorFunction[] = [() => this.db.pingCheck('database', { timeout: 3000 })];
    const redis = this.redis;
    if (redis) {
      checks.push(async () => {
        const indicator = this.indicators.check('redis');
        try {
          await Promise.race([redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
          return indicator.up();
        } catch {
          // Degraded, not fatal: quotas and rate limits fail open and caches converge by revalidation.
          return indicator.up({ degraded: true, message: 'Redis did not answer' });
        }
      });
    }
    let result;
    try {
      result = await this.health.check(checks);
    } catch (err) {
      // Terminus reports a failed check as a 503 exception; the error filter would make any 5xx a 500.
      if (!(err instanceof ServiceUnavailableException)) throw err;
      this.refuseWhileDraining();
      throw new DomainError(503, 'Not ready', { details: (err.getResponse() as { details?: unknown }).details });
    }
    // A shutdown may have begun while the checks ran.
    this.refuseWhileDraining();
    return result;
  }

  /** From SIGTERM on, readiness fails at once, so no new traffic is routed here while requests drain. */
  private refuseWhileDraining(): void {
    if (this.drain.draining) throw new DomainError(503, 'Shutting down');
  }
}
