import { Controller, Get, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiErrors } from '@superflag/core';
import { EnvironmentUsageDto, QuotasService, UsageDto, UsageQueryDto } from '@superflag/quotas';
import { EnvironmentsService } from './environments.service';

@ApiTags('Quotas')
@Controller('api/v1/usage')
export class UsageController {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly quotas: QuotasService,
  ) {}

  @Get()
  @RequireScopes('flags:read')
  @ApiOperation({ summary: "This month's requests against the quota: one environment (`env`), or every environment of the app" })
  @ApiExtraModels(UsageDto, EnvironmentUsageDto)
  @ApiOkResponse({
    description: 'With `env`: one usage object; without: one per environment',
    schema: {
      type: 'object',
      required: ['data'],
      properties: { data: { oneOf: [{ $ref: getSchemaPath(UsageDto) }, { type: 'array', items: { $ref: getSchemaPath(EnvironmentUsageDto) } }] } },
    },
  })
  @ApiErrors(400, 404)
  async usage(@CurrentPrincipal() principal: Principal, @Query() query: UsageQueryDto) {
    const { environments, plan } = await this.environments.listWithApp(principal, query.appId);
    if (query.env !== undefined) {
      const env = await this.environments.resolve(principal, query.appId, query.env, 'read', { count: false });
      const usage = (await this.quotas.usage([env.id], plan)).get(env.id)!;
      return { data: { month: usage.month, used: usage.used, limit: usage.limit, plan } };
    }
    const usage = await this.quotas.usage(environments.map((e) => e.id), plan);
    return {
      data: environments.map((e) => {
        const u = usage.get(e.id)!;
        return { env: e.name, environmentId: e.id, month: u.month, used: u.used, limit: u.limit, plan };
      }),
    };
  }
}
