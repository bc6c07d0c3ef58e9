import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, NEXT_CURSOR_DOC, PageQueryDto } from '@superflag/core';
import type { ChangeFeedEntry } from './change-feed-entry.entity';
import { ChangeFeedService } from './change-feed.service';
import { ChangeFeedEntryDto } from './dto/change-feed.dto';

export const feedEntryView = (e: ChangeFeedEntry) => ({
  id: Number(e.id),
  event: e.event,
  environmentId: e.environmentId,
  actor: e.actorType && e.actorId ? { type: e.actorType, id: e.actorId } : null,
  details: e.details,
  at: e.occurredAt.toISOString(),
});

@ApiTags('Change feed')
@Controller('api/v1/apps/:id/change-feed')
export class ChangeFeedController {
  constructor(private readonly feed: ChangeFeedService) {}

  @Get()
  @RequireScopes('flags:read')
  @ApiOperation({
    summary: "The app's flag changes (and, with keys:read, key revocations), newest first, 50 a page unless `limit` says otherwise",
  })
  @ApiData(ChangeFeedEntryDto, { isArray: true, extra: NEXT_CURSOR_DOC })
  @ApiErrors(400, 404)
  async list(@CurrentPrincipal() principal: Principal, @Param('id') appId: string, @Query() query: PageQueryDto) {
    const { items, nextCursor } = await this.feed.read(principal, appId, query);
    return { data: items.map(feedEntryView), nextCursor };
  }
}
