import type { KeyType } from './api-key.entity';

export const KEY_TYPES: readonly KeyType[] = ['pub', 'sdk'];

const ENV_ABBREVIATIONS: Record<string, string> = { development: 'dev', staging: 'stg', production: 'prod' };

/** `pub_prod_`, `sdk_dev_`, `pub_qa_`: the type, then the environment's short name. */
export function keyPrefix(type: KeyType, environmentName: string): string {
  return `${type}_${ENV_ABBREVIATIONS[environmentName] ?? environmentName}_`;
}

/** A runtime key as clients send it: `pub_…` or `sdk_…`, the environment part, 43 base62 characters. */
const KEY_PATTERN = /^(pub|sdk)_[a-z0-9_-]{1,64}_[0-9A-Za-z]{43}$/;

export function looksLikeKey(value: string): boolean {
  return value.length <= 160 && KEY_PATTERN.test(value);
}
