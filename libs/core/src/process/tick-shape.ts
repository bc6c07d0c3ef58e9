import { createHook } from 'node:async_hooks';

/** The entries of process.nextTick's queue kept alive for the life of the process (see keepTickObjectShape). */
const kept: object[] = [];

const noop = (): void => undefined;

/**
 * Keeps two of `process.nextTick`'s queue entries (Node's TickObject, one without and one with arguments) alive for
 * the life of the process, so that the hidden class V8 gives every entry stays alive too.
 *
 * Why: nextTick builds each entry as an object literal with computed (symbol) keys. V8 holds the hidden classes of
 * such a literal only weakly. When a garbage collection finds no entry alive, the classes go, and the next entries
 * get new ones. After a few such collections the literal's inline cache is megamorphic, and from then on every
 * entry is built in the V8 runtime (Runtime_DefineKeyedOwnPropertyInLiteral, JSObject::MigrateToMap). Node's HTTP
 * server queues several ticks per request, so every request pays. This happened to the process on the embedded
 * engine: its start-up runs the migrations in PGlite with many collections between ticks. Under a config-read load,
 * those runtime calls were about 8 % of the process's CPU (perf, `--perf-basic-prof`), and nextTick's own time was
 * 11 % against 1 % on PostgreSQL. With the entries kept, those calls are gone. The cost is two small objects.
 *
 * Call it once, as early as possible: before the classes are first collected. Later calls do nothing. The async hook
 * is enabled only around the two nextTick calls that it captures.
 */
export function keepTickObjectShape(): void {
  if (kept.length > 0) return;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject') kept.push(resource);
    },
  });
  hook.enable();
  try {
    process.nextTick(noop);
    process.nextTick(noop, undefined);
  } finally {
    hook.disable();
  }
}

/** The entries keepTickObjectShape keeps (for its test). */
export function keptTickObjects(): readonly object[] {
  return kept;
}
