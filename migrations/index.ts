import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { Flags1764000100000 } from './1764000100000-flags';

/** Every migration, in order. The only way the schema changes. */
export const MIGRATIONS = [InitialSchema1764000000000, Flags1764000100000];
