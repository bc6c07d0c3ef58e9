import { createHash } from 'node:crypto';
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

describe('OFREP answer digests', () => {
  const flagsOf = (users: Array<[string, boolean]>): RuntimeFlag[] => [
    { key: 'a', type: 'bool', value: false, clientEnabled: true, rollout: null, users: NO_TARGETS, companies: NO_TARGETS },
    { key: 'b', type: 'bool', value: false, clientEnabled: true, rollout: null, users: new Map(users), companies: NO_TARGETS },
  ];
  const digest = (answer: OfrepFlagsAnswer, context: EvaluationContext) => {
    const hash = createHash('sha256');
    const text = answer.forHashed(context, hash);
    return { text, digest: hash.digest('hex') };
  };

  it('gives equal answers of two snapshots the same digest, and different answers different ones', () => {
    // A target for someone else: the answer for user-1 is the same text, so the same digest (a 304 for its client).
    const before = new OfrepFlagsAnswer(flagsOf([['user-2', true]]));
    const after = new OfrepFlagsAnswer(
      flagsOf([
        ['user-2', true],
        ['user-3', true],
      ]),
    );
    const one = digest(before, { targetingKey: 'user-1' });
    expect(one.text).toBe(before.for({ targetingKey: 'user-1' }));
    expect(digest(after, { targetingKey: 'user-1' })).toEqual(one);
    // user-2's answer differs from user-1's: so does its digest.
    expect(digest(after, { targetingKey: 'user-2' }).digest).not.toBe(one.digest);
    // The flag's first target changes everyone's reason (STATIC → DEFAULT): a different text, a different digest.
    const staticOnly = new OfrepFlagsAnswer(flagsOf([]));
    expect(digest(staticOnly, { targetingKey: 'user-1' }).text).not.toBe(one.text);
    expect(digest(staticOnly, { targetingKey: 'user-1' }).digest).not.toBe(one.digest);
  });
});
