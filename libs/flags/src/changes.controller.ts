import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, QuotaExempt } from '@superflag/core';
import { ChangeDto, ChangesQueryDto, RollbackDto, RollbackResultDto } from './dto/flag.dto';
import type { FlagChange } from './flag-change.entity';
import { FlagsService } from './flags.service';

const DEFAULT_PAGE = 50;

const changeView = (c: FlagChange) => ({
  id: c.id,
  version: c.version,
  action: c.action,
  keys: [...new Set(c.diffs.map((d) => d.key))],
  changes: c.diffs,
  actor: { userId: c.actorUserId, tokenId: c.actorTokenId, appKeyId: c.actorAppKeyId },
  changeDescription: c.changeDescription,
  rolledBackTo: c.rolledBackTo,
  createdAt: c.createdAt.toISOString(),
});

@ApiTags('Change history')
@Controller('api/v1')
export class ChangesController {
  constructor(private readonly flags: FlagsService) {}

  @Get('changes')
  @RequireScopes('flags:read')
  @ApiOperation({ summary: "An environment's change history, newest first; page with `before` = the previous page's `nextBefore`" })
  @ApiData(ChangeDto, { isArray: true, extra: { nextBefore: { type: 'integer', nullable: true, description: 'Cursor of the next (older) page; null on the last page' } } })
  @ApiErrors(400, 404)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ChangesQueryDto) {
    const limit = query.limit ?? DEFAULT_PAGE;
    const changes = await this.flags.history(principal, query, limit, query.before);
    const last = changes[changes.length - 1];
    return { data: changes.map(changeView), nextBefore: changes.length === limit && last.version > 1 ? last.version : null };
  }

  @Post('envs/rollback')
  @HttpCode(200)
  @RequireScopes('flags:write')
  @QuotaExempt()
  @ApiOperation({ summary: "Restore an environment's whole flag set to what it was right after `version`, as one new write" })
  @ApiData(RollbackResultDto)
  @ApiErrors(400, 404, 412)
  async rollback(@CurrentPrincipal() principal: Principal, @Body() body: RollbackDto) {
    return { data: await this.flags.rollback(principal, body, body.version, body) };
  }
}
