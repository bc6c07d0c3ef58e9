import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { Flags1764000100000 } from './1764000100000-flags';
import { ApiKeys1764000200000 } from './1764000200000-api-keys';
import { AppPlans1764000300000 } from './1764000300000-app-plans';
import { Targeting1764000400000 } from './1764000400000-targeting';
import { Teams1764000500000 } from './1764000500000-teams';
import { Usage1764000600000 } from './1764000600000-usage';
import { CredentialLifecycle1764000700000 } from './1764000700000-credential-lifecycle';
import { JsonKeyOrder1764000800000 } from './1764000800000-json-key-order';
import { Webhooks1764000900000 } from './1764000900000-webhooks';

/** Every migration, in order. The only way the schema changes. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  Flags1764000100000,
  ApiKeys1764000200000,
  AppPlans1764000300000,
  Targeting1764000400000,
  Teams1764000500000,
  Usage1764000600000,
  CredentialLifecycle1764000700000,
  JsonKeyOrder1764000800000,
  Webhooks1764000900000,
];
