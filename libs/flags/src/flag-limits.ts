import { type AppConfig, limitReached } from '@superflag/core';
import type { RollbackPlan } from './rollback-planner';

/** LIMIT_FLAGS_PER_ENV and LIMIT_TARGETS_PER_FLAG. Checked inside the versioned write, under the environment lock. */
export interface FlagLimits {
  flagsPerEnvironment: number;
  targetsPerFlag: number;
}

/** A write may not take a flag past the targets limit; one that does not add (or that shrinks a flag left over a lowered limit) may. */
export function assertTargetsWithinLimit(limits: FlagLimits, key: string, before: number, after: number): void {
  if (after > limits.targetsPerFlag && after > before) throw limitReached('Targets per flag', limits.targetsPerFlag, { key });
}

/**
 * A rollback restores a set that once fitted the limits, so it only trips over them when a limit was lowered
 * since: then it may not grow what is already over the limit.
 */
export function assertRollbackWithinLimits(limits: FlagLimits, { counts }: RollbackPlan): void {
  if (counts.flagsAfter > limits.flagsPerEnvironment && counts.flagsAfter > counts.flagsBefore) {
    throw limitReached('Flags per environment', limits.flagsPerEnvironment);
  }
  for (const [key, n] of counts.targetsAfter) assertTargetsWithinLimit(limits, key, counts.targetsBefore.get(key) ?? 0, n);
}

export const flagLimits = (config: Pick<AppConfig, 'LIMIT_FLAGS_PER_ENV' | 'LIMIT_TARGETS_PER_FLAG'>): FlagLimits => ({
  flagsPerEnvironment: config.LIMIT_FLAGS_PER_ENV,
  targetsPerFlag: config.LIMIT_TARGETS_PER_FLAG,
});
