import { Controller, Get, Param, Patch, Query, Body } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, badRequest, decodeCursor, encodeCursor, NEXT_CURSOR_DOC } from '@superflag/core';
import { appView } from './app.view';
import { AppsService } from './apps.service';
import type { AuditEvent } from './audit-event.entity';
import { AppDto, AppListItemDto, AppNameDto, AUDIT_CURSOR, AuditEventDto, AuditQueryDto } from './dto/app.dto';

const auditView = (e: AuditEvent) => ({
  id: Number(e.id),
  action: e.action,
  actor: { userId: e.actorUserId, tokenId: e.actorTokenId, appKeyId: e.actorAppKeyId },
  details: e.details,
  createdAt: e.createdAt.toISOString(),
});

const DEFAULT_PAGE = 50;

/** Creating and deleting an app are AppLifecycleController's (libs/environments): see AppLifecycle. */
@ApiTags('Apps')
@Controller('api/v1/apps')
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Get()
  @RequireScopes('apps:read')
  @ApiOperation({ summary: "List the apps you are a member of, with your role (an app's mgmt_ key: just its app)" })
  @ApiData(AppListItemDto, { isArray: true })
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: (await this.apps.list(principal)).map(({ app, role }) => ({ ...appView(app), role })) };
  }

  @Get(':id')
  @RequireScopes('apps:read')
  @ApiOperation({ summary: 'Get one app' })
  @ApiData(AppDto)
  @ApiErrors(404)
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return { data: appView((await this.apps.get(principal, id)).app) };
  }

  @Patch(':id')
  @RequireScopes('apps:write')
  @ApiOperation({ summary: 'Rename an app (owner only)' })
  @ApiData(AppDto)
  @ApiErrors(400, 404, 409)
  async rename(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: AppNameDto) {
    return { data: appView(await this.apps.rename(principal, id, body.name)) };
  }

  @Get(':id/audit')
  @RequireScopes('apps:read')
  @ApiOperation({
    summary:
      "The app's audit of access (owner only): member, management key, runtime key and plan changes, with who made them; " +
      "newest first, 50 a page unless `limit` says otherwise; page with `cursor` = the previous page's `nextCursor` " +
      '(given with `limit` or `cursor`), or with `before` = its `nextBefore`',
  })
  @ApiData(AuditEventDto, {
    isArray: true,
    extra: {
      nextBefore: { type: 'integer', nullable: true, description: 'Cursor of the next (older) page; null on the last page' },
      ...NEXT_CURSOR_DOC,
    },
  })
  @ApiErrors(400, 404)
  async audit(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() query: AuditQueryDto) {
    if (query.cursor !== undefined && query.before !== undefined) throw badRequest('Give cursor or before, not both');
    const limit = query.limit ?? DEFAULT_PAGE;
    const before = query.cursor !== undefined ? (decodeCursor(query.cursor, AUDIT_CURSOR)[0] as string) : query.before;
    // One more than a page, to know for certain whether there is a next one.
    const rows = await this.apps.audit(principal, id, limit + 1, before);
    const events = rows.slice(0, limit);
    const last = events[events.length - 1];
    const body = { data: events.map(auditView), nextBefore: events.length === limit ? Number(last.id) : null };
    if (query.limit === undefined && query.cursor === undefined) return body;
    // String(): the embedded engine hands bigint over as a number, PostgreSQL's driver as a string.
    return { ...body, nextCursor: rows.length > limit ? encodeCursor([String(last.id)]) : null };
  }
}
