import { applyDecorators, Body, Controller, Get, Headers, Param, Patch, Query, UseFilters } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes, type Scope } from '@superflag/auth';
import { badRequest, QuotaExempt } from '@superflag/core';
import { parseIfMatch } from '@superflag/flags';
import {
  ReflagAppDto,
  ReflagAppHeaderCollectionDto,
  ReflagAppsQueryDto,
  ReflagBootstrapDto,
  ReflagEntityFlagsBodyDto,
  ReflagEntityFlagsDto,
  ReflagEnvironmentHeaderCollectionDto,
  ReflagEnvironmentsQueryDto,
  ReflagErrorDto,
  ReflagFeatureCollectionDto,
  ReflagFeaturesQueryDto,
  ReflagFlagHeaderCollectionDto,
  ReflagFlagTargetingCollectionDto,
  ReflagFlagTargetingDto,
  ReflagFlagValueTargetingDto,
  ReflagSpecificTargetsDto,
} from './dto/reflag.dto';
import { ReflagErrorFilter } from './reflag-error.filter';
import { type Entity, ReflagService } from './reflag.service';

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (`invalid_request`)',
  401: 'Missing, unknown, revoked or expired token or key (`unauthenticated`)',
  403: 'The token or key lacks the scope, or the role the right (`unauthorized`)',
  404: "Not found (`not_found`), also for other tenants' apps",
  409: 'A tenant limit is reached (`not_possible`)',
  412: 'Version conflict (`not_possible`)',
  413: 'Request body larger than the limit (`invalid_request`)',
  429: 'Too many requests; see Retry-After (`not_available`)',
};

const reflagError = (status: number) =>
  ApiResponse({ status, description: ERROR_TEXT[status], schema: { $ref: getSchemaPath(ReflagErrorDto) } });

/** Documents a Reflag route's success body (exactly as Reflag's, no envelope added) and its errors in Reflag's shape. */
function ReflagResponses(model: new () => unknown, ...errors: number[]) {
  return applyDecorators(
    ApiExtraModels(model, ReflagErrorDto),
    ApiResponse({ status: 200, description: 'Success', type: model }),
    ...errors.map(reflagError),
  );
}

/** The project's scopes and guard (RequireScopes), with its 401 and 403 documented in Reflag's error shape. */
const ReflagScopes = (...scopes: Scope[]) =>
  applyDecorators(RequireScopes(...scopes), ApiExtraModels(ReflagErrorDto), reflagError(401), reflagError(403));

const IF_MATCH = ApiHeader({ name: 'If-Match', required: false, description: 'Optimistic concurrency: `"<version>"`' });
const ENTITY_NOTE =
  'All flags of the environment with this entity’s value. The environment by id (or name). Exposure statistics are not collected here: null and 0.';

/**
 * Reflag's Management API (https://app.reflag.com/api) at its own paths under `/api`, so Reflag's clients work
 * unchanged: its CLI (`reflag flags types --base-url … --api-key mgmt_…`), its Management SDK, and scripts written
 * against its documentation. Authenticated like every management route (an app's `mgmt_` key, Reflag's app-scoped
 * API key, or a `cli_` token), with the project's scopes; errors in Reflag's shape, on these routes only.
 */
@ApiTags('Reflag compatibility')
@ApiExtraModels(ReflagFlagValueTargetingDto)
@UseFilters(ReflagErrorFilter)
@Controller('api')
export class ReflagController {
  constructor(private readonly reflag: ReflagService) {}

  @Get('bootstrap')
  @ReflagScopes('apps:read')
  @ApiOperation({
    summary: 'Reflag CLI bootstrap: your organization (your account) with its apps and their environments, and who you are',
    description: '`isProduction` marks the environment named production, which `reflag flags list` and `flags types` read.',
  })
  @ReflagResponses(ReflagBootstrapDto)
  bootstrap(@CurrentPrincipal() principal: Principal) {
    return this.reflag.bootstrap(principal);
  }

  @Get('apps')
  @ReflagScopes('apps:read')
  @ApiOperation({ summary: 'Reflag: list the apps you are a member of (an app’s mgmt_ key: its app), with their environments' })
  @ReflagResponses(ReflagAppHeaderCollectionDto, 400)
  listApps(@CurrentPrincipal() principal: Principal, @Query() _query: ReflagAppsQueryDto) {
    return this.reflag.listApps(principal);
  }

  @Get('apps/:appId')
  @ReflagScopes('apps:read')
  @ApiOperation({ summary: 'Reflag: one app with its environments (no stages or segments here: empty lists)' })
  @ReflagResponses(ReflagAppDto, 404)
  getApp(@CurrentPrincipal() principal: Principal, @Param('appId') appId: string) {
    return this.reflag.getApp(principal, appId);
  }

  @Get('apps/:appId/environments')
  @ReflagScopes('apps:read')
  @ApiOperation({ summary: "Reflag: an app's environments, by order (creation) unless told" })
  @ReflagResponses(ReflagEnvironmentHeaderCollectionDto, 400, 404)
  listEnvironments(@CurrentPrincipal() principal: Principal, @Param('appId') appId: string, @Query() query: ReflagEnvironmentsQueryDto) {
    return this.reflag.listEnvironments(principal, appId, query.sortBy, query.sortOrder);
  }

  @Get('apps/:appId/flags')
  @ReflagScopes('flags:read')
  @ApiOperation({ summary: "Reflag: an app's flags, one per key across its environments (the id is the key)" })
  @ReflagResponses(ReflagFlagHeaderCollectionDto, 404)
  listFlags(@CurrentPrincipal() principal: Principal, @Param('appId') appId: string) {
    return this.reflag.listFlags(principal, appId);
  }

  @Get('apps/:appId/features')
  @ReflagScopes('flags:read')
  @ApiOperation({
    summary: 'Reflag CLI: the flags of one environment (`flags list`), with their values as remote configs (`flags types`)',
    description:
      'With `includeRemoteConfigs=true` each typed (string, number, json) flag carries one remote config whose variants are its distinct values, so `reflag flags types` emits a payload type for it; boolean flags carry none and come out as `boolean`.',
  })
  @ReflagResponses(ReflagFeatureCollectionDto, 400, 404)
  listFeatures(@CurrentPrincipal() principal: Principal, @Param('appId') appId: string, @Query() query: ReflagFeaturesQueryDto) {
    return this.reflag.listFeatures(principal, appId, query);
  }

  @Get('apps/:appId/flags/:flagKey/targeting/:envId')
  @ReflagScopes('flags:read')
  @ApiOperation({
    summary: "Reflag: a flag's specific targets in one environment, grouped by value",
    description: 'Answered as Reflag does: the flagTargeting object itself. Keys of `specificTargets` are values as JSON text.',
  })
  @ReflagResponses(ReflagFlagTargetingDto, 404)
  flagTargeting(
    @CurrentPrincipal() principal: Principal,
    @Param('appId') appId: string,
    @Param('flagKey') flagKey: string,
    @Param('envId') envId: string,
  ) {
    return this.reflag.flagTargeting(principal, appId, flagKey, envId);
  }

  @Patch('apps/:appId/flags/specific-targets/:envId')
  @ReflagScopes('flags:write')
  @QuotaExempt()
  @IF_MATCH
  @ApiOperation({
    summary: 'Reflag: turn flags on or off (or give a typed value) for specific companies or users; all updates or none, one version',
    description:
      "Each update names exactly one of `companyId` / `userId`; `value` is a value of the flag's type (`true` for Reflag's boolean flags), `null` removes that target. Answers the targeting of every flag the request touched, as of the new version.",
  })
  @ReflagResponses(ReflagFlagTargetingCollectionDto, 400, 404, 409, 412, 413)
  updateSpecificTargets(
    @CurrentPrincipal() principal: Principal,
    @Param('appId') appId: string,
    @Param('envId') envId: string,
    @Body() body: ReflagSpecificTargetsDto,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    return this.reflag.updateSpecificTargets(principal, appId, envId, body.updates, {
      changeDescription: body.changeDescription,
      expectedVersion: expectedVersion(body.expectedVersion, ifMatch),
    });
  }

  @Get('apps/:appId/envs/:envId/companies/:companyId/flags')
  @ReflagScopes('flags:read')
  @ApiOperation({ summary: "Reflag: a company's flags in one environment", description: ENTITY_NOTE })
  @ReflagResponses(ReflagEntityFlagsDto, 400, 404)
  companyFlags(
    @CurrentPrincipal() principal: Principal,
    @Param('appId') appId: string,
    @Param('envId') envId: string,
    @Param('companyId') companyId: string,
  ) {
    return this.reflag.entityFlags(principal, appId, envId, { type: 'company', id: companyId });
  }

  @Patch('apps/:appId/envs/:envId/companies/:companyId/flags')
  @ReflagScopes('flags:write')
  @QuotaExempt()
  @IF_MATCH
  @ApiOperation({
    summary: "Reflag: set or remove a company's value of several flags; all updates or none, one version",
    description: `${ENTITY_NOTE} Answers the company's flags after the write.`,
  })
  @ReflagResponses(ReflagEntityFlagsDto, 400, 404, 409, 412, 413)
  updateCompanyFlags(
    @CurrentPrincipal() principal: Principal,
    @Param('appId') appId: string,
    @Param('envId') envId: string,
    @Param('companyId') companyId: string,
    @Body() body: ReflagEntityFlagsBodyDto,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    return this.updateEntity(principal, appId, envId, { type: 'company', id: companyId }, body, ifMatch);
  }

  @Get('apps/:appId/envs/:envId/users/:userId/flags')
  @ReflagScopes('flags:read')
  @ApiOperation({ summary: "Reflag: a user's flags in one environment", description: ENTITY_NOTE })
  @ReflagResponses(ReflagEntityFlagsDto, 400, 404)
  userFlags(
    @CurrentPrincipal() principal: Principal,
    @Param('appId') appId: string,
    @Param('envId') envId: string,
    @Param('userId') userId: string,
  ) {
    return this.reflag.entityFlags(principal, appId, envId, { type: 'user', id: userId });
  }

  @Patch('apps/:appId/envs/:envId/users/:userId/flags')
  @ReflagScopes('flags:write')
  @QuotaExempt()
  @IF_MATCH
  @ApiOperation({
    summary: "Reflag: set or remove a user's value of several flags; all updates or none, one version",
    description: `${ENTITY_NOTE} Answers the user's flags after the write.`,
  })
  @ReflagResponses(ReflagEntityFlagsDto, 400, 404, 409, 412, 413)
  updateUserFlags(
    @CurrentPrincipal() principal: Principal,
    @Param('appId') appId: string,
    @Param('envId') envId: string,
    @Param('userId') userId: string,
    @Body() body: ReflagEntityFlagsBodyDto,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    return this.updateEntity(principal, appId, envId, { type: 'user', id: userId }, body, ifMatch);
  }

  private updateEntity(
    principal: Principal,
    appId: string,
    envId: string,
    entity: Entity,
    body: ReflagEntityFlagsBodyDto,
    ifMatch: string | undefined,
  ) {
    return this.reflag.updateEntityFlags(principal, appId, envId, entity, body.updates, {
      changeDescription: body.changeDescription,
      expectedVersion: expectedVersion(undefined, ifMatch),
    });
  }
}

function expectedVersion(fromBody: number | undefined, ifMatch: string | undefined): number | undefined {
  const header = parseIfMatch(ifMatch);
  if (fromBody !== undefined && header !== undefined && fromBody !== header) throw badRequest('expectedVersion and If-Match disagree');
  return fromBody ?? header;
}
