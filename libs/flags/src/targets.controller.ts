import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, listBody, NEXT_CURSOR_DOC, pageRequest } from '@superflag/core';
import { FlagStateDto, FlagTargetsDto, TARGET_CURSOR, TargetsQueryDto } from './dto/flag.dto';
import { TargetsService } from './targets.service';

/**
 * Reading a flag's per-user and per-company overrides. Writing them is Reflag's "specific targets" endpoint, at
 * Reflag's path and in its shapes: libs/reflag.
 */
@ApiTags('Targeting')
@ApiExtraModels(FlagStateDto)
@Controller()
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

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
