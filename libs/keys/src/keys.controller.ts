import { Body, Controller, Delete, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, CREATED_CURSOR, listBody, NEXT_CURSOR_DOC, pageRequest, QuotaExempt, SuccessDto } from '@superflag/core';
import type { ApiKey } from './api-key.entity';
import { CreatedKeyDto, CreateKeyDto, KeyDto, KeyIdQueryDto, KeyListQueryDto } from './dto/key.dto';
import { KeysService } from './keys.service';

const keyView = (k: ApiKey) => ({
  id: k.id,
  type: k.type,
  prefix: k.prefix,
  createdAt: k.createdAt.toISOString(),
  name: k.name,
  last4: k.last4,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

@ApiTags('API keys')
@Controller('api/v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  @RequireScopes('keys:read')
  @ApiOperation({ summary: "List an environment's active keys (never the secret), oldest first; with `limit` or `cursor`, one page" })
  @ApiData(KeyDto, { isArray: true, extra: NEXT_CURSOR_DOC })
  @ApiErrors(400, 404)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: KeyListQueryDto) {
    const page = pageRequest(query, CREATED_CURSOR);
    const { items, nextCursor } = await this.keys.list(principal, query.appId, query.env, page);
    return listBody(page, items.map(keyView), nextCursor);
  }

  @Post()
  @RequireScopes('keys:write')
  @ApiOperation({ summary: 'Create a pub_ or sdk_ key for an environment; the full key is returned only here' })
  @ApiData(CreatedKeyDto, { status: 201 })
  @ApiErrors(400, 404, 409)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateKeyDto) {
    const { key, secret } = await this.keys.create(principal, body.appId, body.env, body.type, body.name);
    return { data: { id: key.id, type: key.type, key: secret, createdAt: key.createdAt.toISOString() } };
  }

  @Delete()
  @RequireScopes('keys:write')
  @QuotaExempt()
  @ApiOperation({ summary: 'Revoke a key: every replica refuses it from the next request on, and its open streams close' })
  @ApiData(SuccessDto)
  @ApiErrors(400, 404)
  async revoke(@CurrentPrincipal() principal: Principal, @Query() query: KeyIdQueryDto) {
    await this.keys.revoke(principal, query.keyId);
    return { data: { success: true } };
  }
}
