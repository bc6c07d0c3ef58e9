import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, QuotaExempt, SuccessDto } from '@superflag/core';
import { CreatedManagementKeyDto, CreateManagementKeyDto, ManagementKeyDto } from './dto/management-key.dto';
import type { ManagementKey } from './management-key.entity';
import { ManagementKeysService } from './management-keys.service';

const keyView = (k: ManagementKey) => ({
  id: k.id,
  name: k.name,
  scopes: k.scopes,
  createdBy: k.createdBy,
  createdAt: k.createdAt.toISOString(),
  expiresAt: k.expiresAt?.toISOString() ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

@ApiTags('Management keys')
@Controller('api/v1/apps/:id/api-keys')
export class ManagementKeysController {
  constructor(private readonly keys: ManagementKeysService) {}

  @Get()
  @RequireScopes('keys:read')
  @ApiOperation({ summary: "List the app's mgmt_ keys (owner only; never their secrets)" })
  @ApiData(ManagementKeyDto, { isArray: true })
  @ApiErrors(404)
  async list(@CurrentPrincipal() principal: Principal, @Param('id') appId: string) {
    return { data: (await this.keys.list(principal, appId)).map(keyView) };
  }

  @Post()
  @RequireScopes('keys:write')
  @ApiOperation({
    summary:
      'Create a mgmt_ key for the app (owner only): it works on every management route of this app and its environments, ' +
      'as an editor, within its scopes. The secret is returned only here',
  })
  @ApiData(CreatedManagementKeyDto, { status: 201 })
  @ApiErrors(400, 404)
  async create(@CurrentPrincipal() principal: Principal, @Param('id') appId: string, @Body() body: CreateManagementKeyDto) {
    const { key, secret } = await this.keys.create(principal, appId, body);
    return { data: { ...keyView(key), key: secret } };
  }

  @Delete(':keyId')
  @RequireScopes('keys:write')
  @QuotaExempt()
  @ApiOperation({ summary: 'Revoke a mgmt_ key (owner only): every replica refuses it from the next request on' })
  @ApiData(SuccessDto)
  @ApiErrors(404)
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') appId: string, @Param('keyId') keyId: string) {
    await this.keys.revoke(principal, appId, keyId);
    return { data: { success: true } };
  }
}
