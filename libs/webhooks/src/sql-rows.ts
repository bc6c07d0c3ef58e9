import { databaseUnavailableReason } from '@superflag/core';

/**
 * The rows a raw statement returned. TypeORM hands UPDATE/DELETE … RETURNING over as `[rows, rowCount]` and
 * everything else as the rows, and decides by the command the driver reports, which the embedded engine infers
 * from the SQL text (a WITH … UPDATE may come back either way): this accepts both.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/** A timestamptz as a Date: node-postgres and the embedded engine both give Dates, a string is accepted too. */
export const asDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

/** A short reason for a log line: the outage's code when the database is away, never SQL or parameters. */
export function reasonOf(err: unknown): string {
  return databaseUnavailableReason(err) ?? (err instanceof Error ? err.name : 'unknown error');
}
