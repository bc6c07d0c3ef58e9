import { badRequest } from '@superflag/core';

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

/** A flag as the change history records it: enough to restore it exactly. */
export interface FlagState extends FlagView {
  description: string | null;
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

export function assertFlagValue(type: FlagType, value: unknown, key?: string): FlagValue {
  if (!isValidFlagValue(type, value)) {
    throw key === undefined
      ? badRequest(`Invalid value for flag type ${type}`)
      : badRequest(`Invalid value for flag type ${type}: ${key}`, { key });
  }
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
