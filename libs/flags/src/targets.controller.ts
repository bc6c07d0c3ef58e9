import { Body, Controller, Get, Headers, Param, Patch, Query } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, badRequest, listBody, NEXT_CURSOR_DOC, pageRequest, QuotaExempt } from '@superflag/core';
import { FlagStateDto, FlagTargetsDto, SpecificTargetsDto, TARGET_CURSOR, TargetsQueryDto, TargetsResultDto } from './dto/flag.dto';
import { parseIfMatch } from './flag-values';
import { TargetsService } from './targets.service';

/** Per-user and per-company overrides: Reflag's "specific targets" endpoint at its exact path, and a read route. */
@ApiTags('Targeting')
@ApiExtraModels(FlagStateDto)
@Controller()
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

  @Patch('api/apps/:appId/flags/specific-targets/:envId')
  @RequireScopes('flags:write')
  @QuotaExempt()
  @ApiHeader({ name: 'If-Match', required: false, description: 'Optimistic concurrency: `"<version>"`' })
  @ApiOperation({
    summary: 'Turn flags on or off for specific companies or users (Reflag-compatible); all updates or none, one version',
    description:
      'Each update names exactly one of `companyId` / `userId`; `value: null` removes that override. Environment by id, as in Reflag.',
  })
  @ApiData(TargetsResultDto)
  @ApiErrors(400, 404, 409, 412, 413)
  async specificTargets(
    @CurrentPrincipal() principal: Principal,
    @Param('appId') appId: string,
    @Param('envId') envId: string,
    @Body() body: SpecificTargetsDto,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    const header = parseIfMatch(ifMatch);
    if (body.expectedVersion !== undefined && header !== undefined && body.expectedVersion !== header)
      throw badRequest('expectedVersion and If-Match disagree');
    const result = await this.targets.update(principal, { appId, env: envId }, body.updates, {
      changeDescription: body.changeDescription,
      expectedVersion: body.expectedVersion ?? header,
    });
    return { data: result };
  }

  @Get('api/v1/flags/:key/targets')
  @RequireScopes('flags:read')
  @ApiOperation({
    summary: "A flag's per-user and per-company overrides",
    description: 'With `limit` or `cursor`, one page of at most `limit` overrides: companies first, then users, each by id.',
  })
  @ApiData(FlagTargetsDto, { extra: NEXT_CURSOR_DOC })
  @ApiErrors(400, 404)
  async list(@CurrentPrincipal() principal: Principal, @Param('key') key: string, @Query() query: TargetsQueryDto) {
    const page = pageRequest(query, TARGET_CURSOR);
    const { items, nextCursor } = await this.targets.list(principal, query, key, page);
    const data = {
      key,
      users: Object.fromEntries(items.filter((t) => t.targetType === 'user').map((t) => [t.targetId, t.value])),
      companies: Object.fromEntries(items.filter((t) => t.targetType === 'company').map((t) => [t.targetId, t.value])),
    };
    return listBody(page, data, nextCursor);
  }
}
