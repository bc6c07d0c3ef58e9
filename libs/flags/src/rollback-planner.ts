import { type ChangeDiff, type FlagDiff, isTargetDiff, type TargetDiff } from './flag-change.entity';
import { sameState, sameValue, stateOf } from './flag-state';
import type { FlagState, FlagValue, TargetType } from './flag-values';
import type { Flag } from './flag.entity';

/** A flag as it is now, as far as a rollback cares. */
export type PlannedFlag = Pick<Flag, 'key' | 'type' | 'value' | 'clientEnabled' | 'description' | 'rollout'>;

/** One override as it is now, or (in a plan) as it is to be written: `value: null` removes it. */
export interface PlannedTarget {
  key: string;
  targetType: TargetType;
  targetId: string;
  value: FlagValue | null;
}

export interface RollbackPlan {
  /** Flags to create (`exists: false`) or overwrite, keys in order. */
  writes: Array<{ key: string; state: FlagState; exists: boolean }>;
  /** Overrides to set or remove, after the flag writes (new flags exist by then); by flag key, type and id. */
  targets: PlannedTarget[];
  /** Flags to delete, last (their overrides go with them). */
  deletions: string[];
  /** The change record, in the order the writes happen. */
  diffs: ChangeDiff[];
  /** Flags the rollback touches (what the API answers as `restored`). */
  restored: number;
  /** What the tenant limits are checked on: flags after, overrides per flag key before and after. */
  counts: { flagsBefore: number; flagsAfter: number; targetsBefore: Map<string, number>; targetsAfter: Map<string, number> };
}

const targetMapKey = (key: string, type: TargetType, id: string) => `${key}\u0000${type}\u0000${id}`;
const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What restores an environment's whole flag set (values, rollouts and user/company overrides) to what it was
 * right after some version: the current state with every later change undone, newest first. `later` are the
 * change records after that version, newest first (each record's diffs in the order they were applied).
 * Pure: the history service reads the inputs and writes the plan under the environment lock.
 */
export function planRollback(
  current: readonly PlannedFlag[],
  currentTargets: readonly PlannedTarget[],
  later: ReadonlyArray<{ diffs: readonly ChangeDiff[] }>,
): RollbackPlan {
  const flags = new Map(current.map((f) => [f.key, f]));
  const targetsNow = new Map(currentTargets.map((t) => [targetMapKey(t.key, t.targetType, t.targetId), t]));
  const wanted = new Map<string, FlagState | null>(current.map((f) => [f.key, stateOf(f)]));
  const wantedTargets = new Map<string, PlannedTarget>(targetsNow);
  for (const change of later) {
    for (const diff of [...change.diffs].reverse()) {
      if (isTargetDiff(diff))
        wantedTargets.set(targetMapKey(diff.key, diff.targetType, diff.targetId), {
          key: diff.key,
          targetType: diff.targetType,
          targetId: diff.targetId,
          value: diff.before,
        });
      else wanted.set(diff.key, diff.before ? { ...diff.before, rollout: diff.before.rollout ?? null } : null);
    }
  }

  const plan: RollbackPlan = {
    writes: [],
    targets: [],
    deletions: [],
    diffs: [],
    restored: 0,
    counts: countsOf(current.length, wanted, targetsNow, wantedTargets),
  };
  const deletions: FlagDiff[] = [];
  for (const [key, state] of [...wanted].sort(byKey)) {
    const flag = flags.get(key);
    const before = flag ? stateOf(flag) : null;
    if (sameState(before, state)) continue;
    if (!state) {
      deletions.push({ key, before, after: null });
      continue;
    }
    plan.writes.push({ key, state, exists: flag !== undefined });
    plan.diffs.push({ key, before, after: state });
  }
  for (const [mapKey, t] of [...wantedTargets].sort(byKey)) {
    const existing = targetsNow.get(mapKey)?.value ?? null;
    // Only overrides of flags that exist afterwards: those being kept, overwritten or created.
    if (!wanted.get(t.key) || sameValue(existing, t.value)) continue;
    plan.targets.push(t);
    plan.diffs.push({ key: t.key, targetType: t.targetType, targetId: t.targetId, before: existing, after: t.value });
  }
  for (const deletion of deletions) {
    // Recorded before the flag, so a later rollback restores the flag first, then its overrides.
    for (const t of targetsNow.values()) {
      if (t.key === deletion.key)
        plan.diffs.push({ key: t.key, targetType: t.targetType, targetId: t.targetId, before: t.value, after: null } satisfies TargetDiff);
    }
    plan.deletions.push(deletion.key);
    plan.diffs.push(deletion);
  }
  plan.restored = new Set(plan.diffs.map((d) => d.key)).size;
  return plan;
}

function countsOf(
  flagsBefore: number,
  wanted: ReadonlyMap<string, FlagState | null>,
  targetsNow: ReadonlyMap<string, PlannedTarget>,
  wantedTargets: ReadonlyMap<string, PlannedTarget>,
): RollbackPlan['counts'] {
  const flagsAfter = [...wanted.values()].filter((state) => state !== null).length;
  const targetsBefore = new Map<string, number>();
  for (const t of targetsNow.values()) targetsBefore.set(t.key, (targetsBefore.get(t.key) ?? 0) + 1);
  const targetsAfter = new Map<string, number>();
  for (const t of wantedTargets.values())
    if (t.value !== null && wanted.get(t.key)) targetsAfter.set(t.key, (targetsAfter.get(t.key) ?? 0) + 1);
  return { flagsBefore, flagsAfter, targetsBefore, targetsAfter };
}
