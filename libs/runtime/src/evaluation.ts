import { hash } from 'node:crypto';
import type { FlagValue } from '@superflag/flags';
import type { RuntimeFlag } from './environment-read-model';

/** Who a flag is evaluated for. `targetingKey` doubles as `userId` when no `userId` is given (OpenFeature's convention). */
export interface EvaluationContext {
  targetingKey?: string;
  userId?: string;
  companyId?: string;
}

/** OpenFeature's resolution reasons. */
export type Reason = 'TARGETING_MATCH' | 'SPLIT' | 'STATIC' | 'DEFAULT';

export interface Evaluation {
  value: FlagValue;
  reason: Reason;
  variant: 'user-target' | 'company-target' | 'rollout' | 'default';
}

/**
 * The rollout bucket of a targeting key for a flag, in [0, 100): the first 4 bytes of
 * sha256(`${flagKey}:${targetingKey}`) (UTF-8) read as a big-endian unsigned integer, divided by 2^32, times 100.
 * A key is in a rollout of P % when its bucket < P, so the same key gets the same answer on every replica and
 * across restarts, and raising P only adds keys. SDKs can reproduce it exactly.
 */
export function bucketOf(flagKey: string, targetingKey: string): number {
  const digest = hash('sha256', `${flagKey}:${targetingKey}`, 'buffer');
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}

/**
 * Resolves one flag for a context: user override → company override → rollout (needs a targeting key) →
 * the flag's value. O(1) per flag: overrides are indexed by id in the snapshot.
 */
export function evaluate(flag: RuntimeFlag, context: EvaluationContext): Evaluation {
  const userId = context.userId ?? context.targetingKey;
  if (userId !== undefined) {
    const value = flag.users.get(userId);
    if (value !== undefined) return { value, reason: 'TARGETING_MATCH', variant: 'user-target' };
  }
  if (context.companyId !== undefined) {
    const value = flag.companies.get(context.companyId);
    if (value !== undefined) return { value, reason: 'TARGETING_MATCH', variant: 'company-target' };
  }
  if (flag.rollout) {
    const bucketKey = context.targetingKey ?? context.userId;
    if (bucketKey === undefined) return { value: flag.value, reason: 'DEFAULT', variant: 'default' };
    return bucketOf(flag.key, bucketKey) < flag.rollout.percentage
      ? { value: flag.rollout.value, reason: 'SPLIT', variant: 'rollout' }
      : { value: flag.value, reason: 'SPLIT', variant: 'default' };
  }
  const hasRules = flag.users.size > 0 || flag.companies.size > 0;
  return { value: flag.value, reason: hasRules ? 'DEFAULT' : 'STATIC', variant: 'default' };
}

export class InvalidContextError extends Error {}

const CONTEXT_IDS = ['targetingKey', 'userId', 'companyId'] as const;

/**
 * Reads an evaluation context from a request body's `context`: an object whose `targetingKey`, `userId` and
 * `companyId`, when present, are strings (numbers are accepted and read as strings). Other attributes are
 * allowed and ignored. Anything else is an InvalidContextError.
 */
export function parseContext(raw: unknown): EvaluationContext {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidContextError('context must be an object');
  const context: EvaluationContext = {};
  for (const name of CONTEXT_IDS) {
    const value = (raw as Record<string, unknown>)[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'number' && Number.isFinite(value)) context[name] = String(value);
    else if (typeof value === 'string' && value.length > 0 && value.length <= 256) context[name] = value;
    else throw new InvalidContextError(`context.${name} must be a non-empty string of at most 256 characters`);
  }
  return context;
}
