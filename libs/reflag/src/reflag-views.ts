import type { Environment } from '@superflag/environments';
import type { Flag, FlagTarget, FlagTargeting, FlagValue } from '@superflag/flags';
import { evaluate } from '@superflag/runtime';

/*
 * Pure mappings from the project's records to Reflag's Management API shapes. Where Reflag has something this
 * service does not (organizations, flag names, stages, exposure statistics), the shape keeps the field with the
 * honest neutral value: the caller's account as the org, the key as the name, no stages, zero counts.
 */

/** Flag keys here follow one pattern (FLAG_KEY_PATTERN), not one of Reflag's case formats. */
export const FLAG_KEY_FORMAT = 'custom';
/** The environment Reflag calls production: the one every app is created with under that name. */
export const PRODUCTION = 'production';

export interface OrgHeader {
  id: string;
  name: string;
}

export const environmentHeader = (env: Environment, order: number) => ({
  id: env.id,
  name: env.name,
  isProduction: env.name === PRODUCTION,
  order,
  flagStateVersion: env.version,
});

export const appHeader = (app: { id: string; name: string }, org: OrgHeader, environments: Environment[]) => ({
  org,
  id: app.id,
  name: app.name,
  demo: false,
  flagKeyFormat: FLAG_KEY_FORMAT,
  environments: environments.map(environmentHeader),
});

/** A value as the key of `specificTargets`: its JSON text (`true`, `"blue"`, `3`, `{"a":1}`). */
export const valueKey = (value: FlagValue): string => JSON.stringify(value);

/** Targets grouped by value, values in the order their first target comes (companies first, then users, each by id). */
export function specificTargets(targets: readonly FlagTarget[]): Record<string, { companyIds: string[]; userIds: string[] }> {
  const byValue: Record<string, { companyIds: string[]; userIds: string[] }> = {};
  for (const t of [...targets].sort((a, b) => compareTargets(a, b))) {
    const group = (byValue[valueKey(t.value)] ??= { companyIds: [], userIds: [] });
    (t.targetType === 'company' ? group.companyIds : group.userIds).push(t.targetId);
  }
  return byValue;
}

const compareTargets = (a: FlagTarget, b: FlagTarget) =>
  a.targetType === b.targetType ? (a.targetId < b.targetId ? -1 : a.targetId > b.targetId ? 1 : 0) : a.targetType === 'company' ? -1 : 1;

export const flagTargetingView = (t: FlagTargeting) => ({
  flagKey: t.flag.key,
  version: t.version,
  updatedAt: t.updatedAt.toISOString(),
  specificTargets: specificTargets(t.targets),
});

/**
 * What Reflag's type generator reads (`remoteConfigs[0].variants[].variant.payload`): for a typed flag, its
 * distinct values (its value, its rollout's, its targets') so the generated type covers every one; boolean flags
 * have none, so they come out as `boolean`, as Reflag's own flags without remote config do.
 */
export function remoteConfigsOf(flag: Flag, targets: readonly FlagTarget[]) {
  if (flag.type === 'bool') return [];
  const variants: Array<{ variant: { key: string; payload: FlagValue } }> = [];
  const seen = new Set<string>();
  const add = (key: string, payload: FlagValue) => {
    const text = JSON.stringify(payload);
    if (seen.has(text)) return;
    seen.add(text);
    variants.push({ variant: { key, payload } });
  };
  add('default', flag.value);
  if (flag.rollout) add('rollout', flag.rollout.value);
  let n = 0;
  for (const t of targets) {
    if (!seen.has(JSON.stringify(t.value))) add(`target-${++n}`, t.value);
  }
  return [{ key: flag.key, variants }];
}

export const featureView = (flag: Flag, remoteConfigs: ReturnType<typeof remoteConfigsOf>) => ({
  id: flag.key,
  key: flag.key,
  name: flag.key,
  description: flag.description,
  stage: null,
  type: flag.type,
  remoteConfigs,
});

/** The flags of an app across its environments, one per key: the first description found, the earliest creation. */
export function flagHeaders(flagsPerEnvironment: ReadonlyArray<Iterable<Flag>>) {
  const byKey = new Map<string, { key: string; description: string | null; createdAt: Date }>();
  for (const flags of flagsPerEnvironment) {
    for (const f of flags) {
      const seen = byKey.get(f.key);
      if (!seen) byKey.set(f.key, { key: f.key, description: f.description, createdAt: f.createdAt });
      else {
        seen.description ??= f.description;
        if (f.createdAt < seen.createdAt) seen.createdAt = f.createdAt;
      }
    }
  }
  return [...byKey.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((f) => ({
      id: f.key,
      key: f.key,
      name: f.key,
      ...(f.description !== null ? { description: f.description } : {}),
      archived: false,
      stale: false,
      permanent: false,
      codeRefsCleanedUp: false,
      noRecentChecks: false,
      createdAt: f.createdAt.toISOString(),
    }));
}

/**
 * One flag as Reflag shows it for a user or a company: its value for that entity, resolved exactly as the runtime
 * resolves it for a context naming only that entity (the override, else a user's rollout bucket, else the value),
 * and the entity's own value. Exposure statistics are not collected here.
 */
export function entityFlagView(flag: Flag, entity: { type: 'user' | 'company'; id: string }, override: FlagValue | undefined) {
  const own = override === undefined ? new Map<string, FlagValue>() : new Map([[entity.id, override]]);
  const none = new Map<string, FlagValue>();
  const { value } = evaluate(
    {
      key: flag.key,
      type: flag.type,
      value: flag.value,
      clientEnabled: flag.clientEnabled,
      rollout: flag.rollout,
      users: entity.type === 'user' ? own : none,
      companies: entity.type === 'company' ? own : none,
    },
    entity.type === 'user' ? { userId: entity.id } : { companyId: entity.id },
  );
  const specific = override ?? null;
  return {
    id: flag.key,
    key: flag.key,
    name: flag.key,
    createdAt: flag.createdAt.toISOString(),
    value,
    specificTargetValue: specific,
    specificallyTargetedValue: specific,
    firstExposureAt: null,
    lastExposureAt: null,
    lastCheckAt: null,
    exposureCount: 0,
    firstTrackAt: null,
    lastTrackAt: null,
    trackCount: 0,
  };
}
