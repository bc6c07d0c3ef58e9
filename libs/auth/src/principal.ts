import type { Scope } from './scopes';

/** Who is calling a management route, as established by the auth guard. */
export interface Principal {
  userId: string;
  /** The cli_ token the request was made with. */
  tokenId: string;
  scopes: ReadonlySet<Scope>;
}
