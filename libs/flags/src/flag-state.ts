import type { FlagState, FlagView } from './flag-values';
import type { Flag } from './flag.entity';

export const stateOf = (f: Pick<Flag, 'type' | 'value' | 'clientEnabled' | 'description' | 'rollout'>): FlagState => ({
  type: f.type,
  value: f.value,
  clientEnabled: f.clientEnabled,
  description: f.description ?? null,
  rollout: f.rollout ?? null,
});

export const flagView = (f: Pick<Flag, 'type' | 'value' | 'clientEnabled'>): FlagView => ({
  type: f.type,
  value: f.value,
  clientEnabled: f.clientEnabled,
});

/** Values are stored as given (json, not jsonb), so two are the same only with the same keys in the same order. */
export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Whether two flag states are the same flag. The state's own fields compare by name: history rows written
 * before values were stored as json hold them in jsonb's order (`{"type","value","rollout",…}`).
 */
export function sameState(a: FlagState | null, b: FlagState | null): boolean {
  if (!a || !b) return a === b;
  const ra = a.rollout ?? null;
  const rb = b.rollout ?? null;
  return (
    a.type === b.type &&
    a.clientEnabled === b.clientEnabled &&
    (a.description ?? null) === (b.description ?? null) &&
    sameValue(a.value, b.value) &&
    (ra === null || rb === null ? ra === rb : ra.percentage === rb.percentage && sameValue(ra.value, rb.value))
  );
}
