import { Controller, Get, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiErrors } from '@superflag/core';
import { EnvironmentUsageDto, UsageDto, UsageQueryDto } from './dto/quota.dto';
import { QuotaUncounted } from './quota.guard';
import { UsageService } from './usage.service';

@ApiTags('Quotas')
@Controller('api/v1/usage')
export class UsageController {
  constructor(private readonly reports: UsageService) {}

  @Get()
  @RequireScopes('flags:read')
  // Reading the usage must not spend it.
  @QuotaUncounted()
  @ApiOperation({ summary: "This month's requests against the quota: one environment (`env`), or every environment of the app" })
  @ApiExtraModels(UsageDto, EnvironmentUsageDto)
  @ApiOkResponse({
    description: 'With `env`: one usage object; without: one per environment',
    schema: {
      type: 'object',
      required: ['data'],
      properties: {
        data: { oneOf: [{ $ref: getSchemaPath(UsageDto) }, { type: 'array', items: { $ref: getSchemaPath(EnvironmentUsageDto) } }] },
      },
    },
  })
  @ApiErrors(400, 404)
  async usage(@CurrentPrincipal() principal: Principal, @Query() query: UsageQueryDto) {
    return {
      data:
        query.env !== undefined
          ? await this.reports.ofEnvironment(principal, query.appId, query.env)
          : await this.reports.ofApp(principal, query.appId),
    };
  }
}
