import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiNotModifiedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, badRequest, QuotaExempt } from '@superflag/core';
import { EnvQueryDto } from '@superflag/environments';
import type { FastifyReply } from 'fastify';
import {
  BulkUpdateDto,
  BulkResultDto,
  CreateFlagDto,
  FlagDetailDto,
  FlagKeyQueryDto,
  FlagViewDto,
  FlagWriteResultDto,
  UpdateFlagDto,
  VersionDto,
} from './dto/flag.dto';
import { etagMatches } from './etag';
import { parseIfMatch } from './flag-values';
import { flagView } from './flag-state';
import { FlagsService } from './flags.service';

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'Optimistic concurrency: `"<version>"`; 412 when the environment has moved on',
});

/** The expected version from the body or the If-Match header (they must agree when both are given). */
function expectedVersion(body: number | undefined, ifMatch: string | undefined): number | undefined {
  const header = parseIfMatch(ifMatch);
  if (body !== undefined && header !== undefined && body !== header) throw badRequest('expectedVersion and If-Match disagree');
  return body ?? header;
}

const versionTag = (version: number) => `"${version}"`;

@ApiTags('Flags')
@Controller('api/v1/flags')
export class FlagsController {
  constructor(private readonly flags: FlagsService) {}

  @Get()
  @RequireScopes('flags:read')
  @ApiOperation({ summary: "List an environment's flags, keys sorted; ETag is the environment version" })
  @ApiData(FlagViewDto, { isMap: true })
  @ApiHeader({ name: 'If-None-Match', required: false, description: '`"<version>"` from a previous ETag' })
  @ApiNotModifiedResponse({ description: 'The environment is still at the version given in If-None-Match' })
  @ApiErrors(400, 404)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: EnvQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { version, flags } = await this.flags.list(principal, query);
    const etag = versionTag(version);
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (etagMatches(ifNoneMatch, etag)) {
      reply.status(304);
      return undefined;
    }
    const keys = [...flags.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { data: Object.fromEntries(keys.map((k) => [k, flagView(flags.get(k)!)])) };
  }

  @Post()
  @RequireScopes('flags:write')
  @QuotaExempt()
  @IF_MATCH
  @ApiOperation({ summary: 'Create a flag in an environment (raises its version by 1)' })
  @ApiData(FlagWriteResultDto, { status: 201 })
  @ApiErrors(400, 404, 409, 412)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateFlagDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { version, flag } = await this.flags.create(principal, body, {
      ...body,
      expectedVersion: expectedVersion(body.expectedVersion, ifMatch),
    });
    reply.header('etag', versionTag(version));
    return { data: { version, flag: flagView(flag) } };
  }

  @Patch()
  @RequireScopes('flags:write')
  @QuotaExempt()
  @IF_MATCH
  @ApiOperation({ summary: "Update a flag's value, clientEnabled, description or type (type only with a value of the new type)" })
  @ApiData(FlagWriteResultDto)
  @ApiErrors(400, 404, 412)
  async update(
    @CurrentPrincipal() principal: Principal,
    @Body() body: UpdateFlagDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { version, flag } = await this.flags.update(principal, body, {
      ...body,
      expectedVersion: expectedVersion(body.expectedVersion, ifMatch),
    });
    reply.header('etag', versionTag(version));
    return { data: { version, flag: flagView(flag) } };
  }

  @Delete()
  @RequireScopes('flags:write')
  @QuotaExempt()
  @IF_MATCH
  @ApiOperation({ summary: 'Delete a flag (raises the version by 1)' })
  @ApiData(VersionDto)
  @ApiErrors(400, 404, 412)
  async delete(
    @CurrentPrincipal() principal: Principal,
    @Query() query: FlagKeyQueryDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { version } = await this.flags.delete(principal, query, query.key, { expectedVersion: parseIfMatch(ifMatch) });
    reply.header('etag', versionTag(version));
    return { data: { version } };
  }

  @Patch('bulk')
  @RequireScopes('flags:write')
  @QuotaExempt()
  @IF_MATCH
  @ApiOperation({ summary: 'Set many flags at once: all or nothing, one version bump, at most 1000 flags' })
  @ApiData(BulkResultDto)
  @ApiErrors(400, 404, 412, 413)
  bulkPatch(
    @CurrentPrincipal() principal: Principal,
    @Body() body: BulkUpdateDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.bulk(principal, body, ifMatch, reply);
  }

  @Post('bulk')
  @HttpCode(200)
  @RequireScopes('flags:write')
  @QuotaExempt()
  @IF_MATCH
  @ApiOperation({ summary: 'Same as PATCH /api/v1/flags/bulk' })
  @ApiData(BulkResultDto)
  @ApiErrors(400, 404, 412, 413)
  bulkPost(
    @CurrentPrincipal() principal: Principal,
    @Body() body: BulkUpdateDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.bulk(principal, body, ifMatch, reply);
  }

  @Get(':key')
  @RequireScopes('flags:read')
  @ApiOperation({ summary: 'Get one flag' })
  @ApiData(FlagDetailDto)
  @ApiErrors(400, 404)
  async get(@CurrentPrincipal() principal: Principal, @Param('key') key: string, @Query() query: EnvQueryDto) {
    const { version, flag } = await this.flags.get(principal, query, key);
    return { data: { key: flag.key, ...flagView(flag), description: flag.description, rollout: flag.rollout ?? null, version } };
  }

  private async bulk(principal: Principal, body: BulkUpdateDto, ifMatch: string | undefined, reply: FastifyReply) {
    const result = await this.flags.bulkUpdate(principal, body, body.flags, {
      ...body,
      expectedVersion: expectedVersion(body.expectedVersion, ifMatch),
    });
    reply.header('etag', versionTag(result.version));
    return { data: result };
  }
}
