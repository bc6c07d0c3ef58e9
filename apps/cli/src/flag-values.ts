import type { FlagType, FlagValue } from './api/client';
import { UsageError } from './errors';

export const FLAG_TYPES: readonly FlagType[] = ['bool', 'string', 'number', 'json'];

/**
 * Turns `--value` text into the JSON value the API expects for the flag's type, so a value that cannot
 * fit is refused before any write request: `true`/`false` for bool, a finite number for number, any
 * text for string, a JSON object or array for json (the API's rule for json flags).
 */
export function parseFlagValue(type: FlagType, raw: string): FlagValue {
  switch (type) {
    case 'bool':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new UsageError(`Invalid --value for a bool flag: "${raw}" (use true or false)`);
    case 'number': {
      const n = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(n)) throw new UsageError(`Invalid --value for a number flag: "${raw}" (use a finite number, e.g. 42 or 0.5)`);
      return n;
    }
    case 'string':
      return raw;
    case 'json': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new UsageError(`Invalid --value for a json flag: not valid JSON (e.g. '{"a":1}')`);
      }
      if (typeof parsed !== 'object' || parsed === null)
        throw new UsageError('Invalid --value for a json flag: use a JSON object or array');
      return parsed as FlagValue;
    }
  }
}

/** A value as people read it in a table or a sentence. */
export const formatFlagValue = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
