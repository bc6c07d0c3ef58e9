import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../errors/domain-error';
import { Public } from '../http/public.decorator';
import { HttpDrain } from '../shutdown/http-drain';
import { DependencyMonitor } from './dependency-monitor';

@ApiTags('Health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dependencies: DependencyMonitor,
    private readonly drain: HttpDrain,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is serving HTTP' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  /**
   * Answers from what the DependencyMonitor last saw, without waiting on anything. A database or Redis outage
   * does not fail it: it is shared by every replica, and runtime reads go on from memory.
   */
  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: this replica can serve. Not failed by a PostgreSQL or Redis outage, which every replica shares (runtime reads go on from memory); their states are reported',
  })
  @ApiOkResponse({
    description:
      'Ready. `database`: up | down; `redis`: up | degraded (configured, not connected or not answering) | off (REDIS_URL not set)',
    schema: {
      type: 'object',
      required: ['status', 'database', 'redis'],
      properties: {
        status: { type: 'string', enum: ['ok'] },
        database: { type: 'string', enum: ['up', 'down'] },
        redis: { type: 'string', enum: ['up', 'degraded', 'off'] },
      },
      example: { status: 'ok', database: 'up', redis: 'up' },
    },
  })
  @ApiServiceUnavailableResponse({ description: 'The replica is shutting down (`{"error":"Shutting down"}`)' })
  ready() {
    // From SIGTERM on, readiness fails at once, so no new traffic is routed here while requests drain.
    if (this.drain.draining) throw new DomainError(503, 'Shutting down');
    return { status: 'ok', database: this.dependencies.database, redis: this.dependencies.redisState };
  }
}
