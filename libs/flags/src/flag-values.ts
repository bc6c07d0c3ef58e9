import { assertStorableJson, badRequest } from '@superflag/core';

export const FLAG_TYPES = ['bool', 'string', 'number', 'json'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];
export type FlagValue = boolean | string | number | Record<string, unknown> | unknown[];

/** Case-sensitive, unique per environment. */
export const FLAG_KEY_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;
export const MAX_VALUE_BYTES = 64 * 1024;

/** A flag as the API shows it (`GET /flags` and write responses), exactly the seed's shape. */
export interface FlagView {
  type: FlagType;
  value: FlagValue;
  clientEnabled: boolean;
}

/** A share of targeting keys that gets another value (see `bucketOf` in libs/runtime for the hashing). */
export interface Rollout {
  /** 0–100; decimals allowed. */
  percentage: number;
  value: FlagValue;
}

/** A flag as the change history records it: enough to restore it exactly. */
export interface FlagState extends FlagView {
  description: string | null;
  rollout: Rollout | null;
}

export type TargetType = 'user' | 'company';
export const MAX_TARGET_ID_LENGTH = 256;

/** A rollout whose value fits the flag's type, or 400. `null` removes the rollout. */
export function assertRollout(type: FlagType, rollout: unknown): Rollout | null {
  if (rollout === null) return null;
  if (typeof rollout !== 'object' || Array.isArray(rollout)) throw badRequest('rollout must be an object {percentage, value} or null');
  const { percentage, value, ...rest } = rollout as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw badRequest(`Unknown field: rollout.${Object.keys(rest)[0]}`);
  if (typeof percentage !== 'number' || !Number.isFinite(percentage) || percentage < 0 || percentage > 100) {
    throw badRequest('rollout.percentage must be a number from 0 to 100');
  }
  if (!isValidFlagValue(type, value)) throw badRequest(`Invalid value for flag type ${type}: rollout.value`);
  assertStorableJson(value, 'rollout.value');
  return { percentage, value };
}

export function isFlagType(type: unknown): type is FlagType {
  return typeof type === 'string' && (FLAG_TYPES as readonly string[]).includes(type);
}

/** Whether `value` is a valid value of a flag of `type`: bool → boolean, number → finite, string and json ≤ 64 KiB. */
export function isValidFlagValue(type: FlagType, value: unknown): value is FlagValue {
  switch (type) {
    case 'bool':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= MAX_VALUE_BYTES;
    case 'json':
      return typeof value === 'object' && value !== null && Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_VALUE_BYTES;
  }
}

export function assertFlagType(type: unknown): FlagType {
  if (!isFlagType(type)) throw badRequest('Invalid flag type');
  return type;
}

/**
 * A value of `type` that can be stored exactly as given, or 400. `path` names it in the error (`value`,
 * `flags.<key>`, `updates.3.value`): nesting, NULs, lone surrogates and non-finite numbers are refused at any depth.
 */
export function assertFlagValue(
  type: FlagType,
  value: unknown,
  key?: string,
  path = key === undefined ? 'value' : `flags.${key}`,
): FlagValue {
  if (!isValidFlagValue(type, value)) {
    throw key === undefined
      ? badRequest(`Invalid value for flag type ${type}`)
      : badRequest(`Invalid value for flag type ${type}: ${key}`, { key });
  }
  assertStorableJson(value, path);
  return value;
}

/**
 * Reads an `If-Match` header (`"12"`, `W/"12"` or `12`) as the version the client expects. Absent → undefined;
 * `*` matches any version.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,10})"?\s*$/.exec(header);
  if (!m) throw badRequest('If-Match must be an environment version such as "12"');
  return Number(m[1]);
}
