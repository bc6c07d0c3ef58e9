import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, badRequest, decodeCursor, encodeCursor, NEXT_CURSOR_DOC, QuotaExempt } from '@superflag/core';
import { CHANGE_CURSOR, ChangeDto, ChangesQueryDto, RollbackDto, RollbackResultDto } from './dto/flag.dto';
import type { FlagChange } from './flag-change.entity';
import { HistoryService } from './history.service';

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
  constructor(private readonly history: HistoryService) {}

  @Get('changes')
  @RequireScopes('flags:read')
  @ApiOperation({
    summary: "An environment's change history, newest first, 50 a page unless `limit` says otherwise",
    description:
      "Page with `cursor` = the previous page's `nextCursor` (given with `limit` or `cursor`), or with `before` = its `nextBefore`.",
  })
  @ApiData(ChangeDto, {
    isArray: true,
    extra: {
      nextBefore: { type: 'integer', nullable: true, description: 'Cursor of the next (older) page; null on the last page' },
      ...NEXT_CURSOR_DOC,
    },
  })
  @ApiErrors(400, 404)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ChangesQueryDto) {
    if (query.cursor !== undefined && query.before !== undefined) throw badRequest('Give cursor or before, not both');
    const limit = query.limit ?? DEFAULT_PAGE;
    const before = query.cursor !== undefined ? (decodeCursor(query.cursor, CHANGE_CURSOR)[0] as number) : query.before;
    // One more than a page, to know for certain whether there is a next one.
    const rows = await this.history.list(principal, query, limit + 1, before);
    const changes = rows.slice(0, limit);
    const last = changes[changes.length - 1];
    const body = { data: changes.map(changeView), nextBefore: changes.length === limit && last.version > 1 ? last.version : null };
    if (query.limit === undefined && query.cursor === undefined) return body;
    return { ...body, nextCursor: rows.length > limit ? encodeCursor([last.version]) : null };
  }

  @Post('envs/rollback')
  @HttpCode(200)
  @RequireScopes('flags:write')
  @QuotaExempt()
  @ApiOperation({ summary: "Restore an environment's whole flag set to what it was right after `version`, as one new write" })
  @ApiData(RollbackResultDto)
  @ApiErrors(400, 404, 409, 412)
  async rollback(@CurrentPrincipal() principal: Principal, @Body() body: RollbackDto) {
    return { data: await this.history.rollback(principal, body, body.version, body) };
  }
}
