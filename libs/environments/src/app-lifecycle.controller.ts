import { Body, Controller, Delete, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppDto, AppNameDto, appView } from '@superflag/apps';
import { CurrentPrincipal, type Principal, RequireScopes, RequireUser } from '@superflag/auth';
import { ApiData, ApiErrors, SuccessDto } from '@superflag/core';
import { AppLifecycle } from './app-lifecycle.service';

/**
 * The routes of AppLifecycle, beside the rest of /api/v1/apps (libs/apps AppsController). Their operation ids
 * stay those of the Apps group, which clients and the CLI are generated with.
 */
@ApiTags('Apps')
@Controller('api/v1/apps')
export class AppLifecycleController {
  constructor(private readonly lifecycle: AppLifecycle) {}

  @Post()
  @RequireUser('apps:write')
  @ApiOperation({
    operationId: 'Apps_create',
    summary: 'Create an app with its development, staging and production environments; you become its owner',
  })
  @ApiData(AppDto, { status: 201 })
  @ApiErrors(400, 409, 413)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: AppNameDto) {
    return { data: appView(await this.lifecycle.create(principal, body.name)) };
  }

  @Delete(':id')
  @RequireScopes('apps:write')
  @ApiOperation({ operationId: 'Apps_delete', summary: 'Delete an app and everything in it (owner only)' })
  @ApiData(SuccessDto)
  @ApiErrors(404)
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    await this.lifecycle.delete(principal, id);
    return { data: { success: true } };
  }
}
