/** The little of `pg` (which ships no types) that the pool's client class needs. */
declare module 'pg' {
  import { EventEmitter } from 'node:events';

  export class Client extends EventEmitter {
    constructor(config?: object);
    /** The wire connection; its socket is destroyed to abandon a connection that stopped answering. */
    protected connection: { stream: { destroy(): void } };
    query(...args: unknown[]): unknown;
  }
  const pg: { Client: typeof Client };
  export default pg;
}
