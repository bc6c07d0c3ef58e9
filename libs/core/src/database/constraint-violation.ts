import { QueryFailedError } from 'typeorm';
import { conflict } from '../errors/domain-error';

/** PostgreSQL's SQLSTATE for a unique constraint (or unique index) violation. */
const UNIQUE_VIOLATION = '23505';

/** Whether `err` is PostgreSQL refusing a row because a unique constraint already holds its value. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && (err.driverError as { code?: string } | undefined)?.code === UNIQUE_VIOLATION;
}

/**
 * Runs a store write and turns a unique violation into the domain's 409 with `message`: the one place the
 * store layer maps constraint errors, so services see `Conflict` and never a driver error. Anything else is
 * rethrown as it is (the error filter maps outages to 503).
 */
export async function uniquely<T>(message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(message);
    throw err;
  }
}
