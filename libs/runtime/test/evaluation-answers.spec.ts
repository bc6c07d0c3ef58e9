import fc from 'fast-check';
import { NO_TARGETS, type RuntimeFlag } from '../src/environment-read-model';
import { evaluate, type EvaluationContext } from '../src/evaluation';
import { EvaluateAnswer, OfrepFlagsAnswer } from '../src/evaluation-answers';

/** What the routes answered before the templates: the objects, serialised per request. */
function evaluateByObjects(version: number, flags: RuntimeFlag[], context: EvaluationContext): string {
  const out: Record<string, unknown> = {};
  for (const flag of flags) out[flag.key] = evaluate(flag, context);
  return JSON.stringify({ data: { version, flags: out } });
}
function ofrepByObjects(flags: RuntimeFlag[], context: EvaluationContext): string {
  return JSON.stringify(
    flags.map((flag) => {
      const r = evaluate(flag, context);
      return { key: flag.key, value: r.value, reason: r.reason, variant: r.variant, metadata: {} };
    }),
  );
}

const value = fc.oneof(
  fc.boolean(),
  fc.string(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
);
const ids = ['u1', 'u2', 'c1', 'c2', 'é"\\'];
const flag = fc.record({
  // Integer-like keys ("42") come first in a JS object: the template must order them as JSON.stringify does.
  key: fc.oneof(fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,12}$/), fc.integer({ min: 0, max: 500 }).map(String)),
  value,
  clientEnabled: fc.boolean(),
  users: fc.array(fc.tuple(fc.constantFrom(...ids), value), { maxLength: 2 }),
  companies: fc.array(fc.tuple(fc.constantFrom(...ids), value), { maxLength: 2 }),
  rollout: fc.option(fc.record({ percentage: fc.integer({ min: 0, max: 100 }), value }), { nil: null }),
});

describe('evaluation answer templates', () => {
  it('answer byte for byte what serialising the evaluated objects answers, for any flags and context', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(flag, { selector: (f) => f.key, maxLength: 30 }),
        fc.nat({ max: 10_000 }),
        fc.record(
          { targetingKey: fc.constantFrom(...ids, 'someone'), userId: fc.constantFrom(...ids), companyId: fc.constantFrom(...ids) },
          { requiredKeys: [] },
        ),
        (specs, version, context) => {
          const flags: RuntimeFlag[] = specs
            .map((s) => ({
              key: s.key,
              type: 'string' as const,
              value: s.value,
              clientEnabled: s.clientEnabled,
              rollout: s.rollout,
              users: s.users.length ? new Map(s.users) : NO_TARGETS,
              companies: s.companies.length ? new Map(s.companies) : NO_TARGETS,
            }))
            .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
          const evaluateAnswer = new EvaluateAnswer(version, flags);
          const ofrep = new OfrepFlagsAnswer(flags);
          // The same template answers every context: rendered twice, for two contexts.
          for (const c of [context, {}]) {
            expect(evaluateAnswer.for(c)).toBe(evaluateByObjects(version, flags, c));
            expect(ofrep.for(c)).toBe(ofrepByObjects(flags, c));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
