import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../http/api-response';
import { Public } from '../http/public.decorator';
import { MetricsService } from './metrics.service';

const EXAMPLE = `# HELP superflag_http_requests_total HTTP requests answered, by method, route pattern and status
# TYPE superflag_http_requests_total counter
superflag_http_requests_total{method="GET",route="/api/v1/config",status="200"} 1027
`;

/** Prometheus scrape endpoint of this replica; no cli_ token (@Public), METRICS_TOKEN instead when set. */
@ApiTags('Operations')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics of this replica (text exposition format)',
    description:
      'Requires `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set; open otherwise. Not counted against any quota.',
  })
  @ApiSecurity('metrics')
  @ApiHeader({ name: 'Authorization', required: false, description: 'Bearer <METRICS_TOKEN>, when the server sets one' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The metrics', content: { 'text/plain': { schema: { type: 'string', example: EXAMPLE } } } })
  @ApiErrors(401)
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    this.metrics.authorize(authorization);
    const { contentType, body } = await this.metrics.exposition();
    reply.type(contentType).send(body);
  }
}
