import { Injectable } from '@nestjs/common';
import { AppsService } from '@superflag/apps';
import { AuthService, type Principal } from '@superflag/auth';
import { badRequest } from '@superflag/core';
import { type Environment, EnvironmentsService } from '@superflag/environments';
import {
  FlagsService,
  MAX_TARGET_ID_LENGTH,
  type TargetType,
  type TargetUpdate,
  TargetsService,
  type WriteOptions,
} from '@superflag/flags';
import type { ReflagEntityFlagUpdateDto, ReflagFeaturesQueryDto } from './dto/reflag.dto';
import {
  appHeader,
  entityFlagView,
  environmentHeader,
  FLAG_KEY_FORMAT,
  featureView,
  flagHeaders,
  flagTargetingView,
  type OrgHeader,
  remoteConfigsOf,
} from './reflag-views';

/** A user or a company of the customer's product, as Reflag's entity routes name them. */
export interface Entity {
  type: TargetType;
  id: string;
}

/** The three names Reflag has given an entity update's value, newest first. */
const ENTITY_VALUE_FIELDS = ['specificTargetValue', 'specificallyTargetedValue', 'value'] as const;

/**
 * Reflag's Management API over this service's own: every read and write goes through the libs' services (the
 * same authorisation, one versioned write per PATCH), and this class only translates names and shapes.
 * Reflag's apps are apps; its environments are environments (`isProduction` for the one named production);
 * its flags are flags, named by their key in every environment; its specific targets are overrides.
 */
@Injectable()
export class ReflagService {
  constructor(
    private readonly apps: AppsService,
    private readonly environments: EnvironmentsService,
    private readonly flags: FlagsService,
    private readonly targets: TargetsService,
    private readonly auth: AuthService,
  ) {}

  /** What Reflag's CLI loads first: the organization with its apps and their environments, and who is calling. */
  async bootstrap(principal: Principal) {
    const { org, apps } = await this.appsOf(principal);
    const email = await this.emailOf(principal.kind === 'user' ? principal.userId : principal.createdBy);
    const user =
      principal.kind === 'user'
        ? { id: principal.userId, name: email, email }
        : { id: principal.appKeyId, name: `Management key ${principal.appKeyId}`, email };
    return { org: { ...org, apps, featureKeyFormat: FLAG_KEY_FORMAT }, user };
  }

  async listApps(principal: Principal) {
    return { data: (await this.appsOf(principal)).apps };
  }

  async getApp(principal: Principal, appId: string) {
    const { app } = await this.apps.get(principal, appId);
    const [org, environments] = await Promise.all([this.orgOf(principal, app.ownerId), this.environments.list(principal, appId)]);
    return { ...appHeader(app, org, environments), stages: [], segments: [] };
  }

  async listEnvironments(principal: Principal, appId: string, sortBy: 'name' | 'order' = 'order', sortOrder: 'asc' | 'desc' = 'asc') {
    const headers = (await this.environments.list(principal, appId)).map(environmentHeader);
    if (sortBy === 'name') headers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (sortOrder === 'desc') headers.reverse();
    return { data: headers, sortOrder, sortBy };
  }

  /** The app's flags: every key any of its environments has. */
  async listFlags(principal: Principal, appId: string) {
    const environments = await this.environments.list(principal, appId);
    const sets = [];
    for (const env of environments) sets.push((await this.flags.list(principal, { appId, env: env.id })).flags.values());
    const data = flagHeaders(sets);
    return { data, totalCount: data.length, pageSize: data.length, pageIndex: 0, sortBy: 'key', sortOrder: 'asc' };
  }

  /** Reflag's `features` of one environment (what its CLI lists and generates types from). */
  async listFeatures(principal: Principal, appId: string, query: ReflagFeaturesQueryDto) {
    const ref = { appId, env: query.envId };
    let data;
    if (query.includeRemoteConfigs) {
      const { flags, targets } = await this.targets.ofEnvironment(principal, ref);
      data = flags.map((f) => featureView(f, remoteConfigsOf(f, targets.get(f.id) ?? [])));
    } else {
      data = [...(await this.flags.list(principal, ref)).flags.values()].map((f) => featureView(f, []));
    }
    // Keys are names here, so both sorts are by key (the flags come in key order).
    if (query.sortOrder === 'desc') data.reverse();
    const totalCount = data.length;
    const pageIndex = query.pageIndex ?? 0;
    const pageSize = query.pageSize ?? Math.max(totalCount, 1);
    return {
      data: data.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize),
      metadata: {},
      totalCount,
      pageIndex,
      pageSize,
      sortBy: query.sortBy ?? 'key',
      sortOrder: query.sortOrder ?? 'asc',
    };
  }

  async flagTargeting(principal: Principal, appId: string, flagKey: string, envId: string) {
    return flagTargetingView(await this.targets.targeting(principal, { appId, env: envId }, flagKey));
  }

  /** Reflag's bulk specific-targets write: all updates in one version, answered with each touched flag's targeting. */
  async updateSpecificTargets(principal: Principal, appId: string, envId: string, updates: TargetUpdate[], options: WriteOptions) {
    const targeting = await this.targets.updateAndRead(principal, { appId, env: envId }, updates, options);
    return { data: targeting.map(flagTargetingView) };
  }

  async entityFlags(principal: Principal, appId: string, envId: string, entity: Entity) {
    assertEntityId(entity);
    const { flags, overrides } = await this.targets.ofEntity(principal, { appId, env: envId }, entity.type, entity.id);
    const data = flags.map((f) => entityFlagView(f, entity, overrides.get(f.key)));
    return { data, totalCount: data.length, pageSize: data.length, pageIndex: 0 };
  }

  /** Sets or removes one entity's value of several flags in one version, then answers with its flags. */
  async updateEntityFlags(
    principal: Principal,
    appId: string,
    envId: string,
    entity: Entity,
    updates: ReflagEntityFlagUpdateDto[],
    options: WriteOptions,
  ) {
    assertEntityId(entity);
    const who = entity.type === 'user' ? { userId: entity.id } : { companyId: entity.id };
    const targetUpdates = updates.map((u, i) => {
      const given = ENTITY_VALUE_FIELDS.filter((f) => u[f] !== undefined);
      if (given.length !== 1) throw badRequest(`updates[${i}] must have exactly one of ${ENTITY_VALUE_FIELDS.join(', ')}`, { index: i });
      return { flagKey: u.flagKey, value: u[given[0]], ...who };
    });
    await this.targets.update(principal, { appId, env: envId }, targetUpdates, options);
    return this.entityFlags(principal, appId, envId, entity);
  }

  /**
   * Reflag's organization is, here, the calling account: a user's own (their id and email), or for an app's
   * mgmt_ key the account that owns its app. Its apps: those the caller may see, each with its environments.
   */
  private async appsOf(principal: Principal) {
    const memberships = await this.apps.list(principal);
    const org = await this.orgOf(principal, memberships[0]?.app.ownerId ?? null);
    const apps = [];
    for (const { app } of memberships) {
      const environments: Environment[] = await this.environments.list(principal, app.id);
      apps.push(appHeader(app, org, environments));
    }
    return { org, apps };
  }

  private async orgOf(principal: Principal, appOwnerId: string | null): Promise<OrgHeader> {
    const id = principal.kind === 'user' ? principal.userId : appOwnerId;
    if (id === null) return { id: principal.kind === 'user' ? principal.userId : principal.appId, name: '' };
    return { id, name: await this.emailOf(id) };
  }

  private async emailOf(userId: string | null): Promise<string> {
    if (userId === null) return '';
    return (await this.auth.emailsOf([userId])).get(userId) ?? '';
  }
}

function assertEntityId(entity: Entity): void {
  if (entity.id.length > MAX_TARGET_ID_LENGTH)
    throw badRequest(`${entity.type === 'user' ? 'userId' : 'companyId'} must be at most ${MAX_TARGET_ID_LENGTH} characters`);
}
