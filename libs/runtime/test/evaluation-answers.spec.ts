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
              // bool flags get their overrides' texts made with the template (any other value is serialised per request)
              type: typeof s.value === 'boolean' ? ('bool' as const) : ('string' as const),
              value: s.value,
              clientEnabled: s.clientEnabled,
              rollout: s.rollout,
              users: s.users.length ? new Map(s.users) : NO_TARGETS,
              companies: s.companies.length ? new Map(s.companies) : NO_TARGETS,
            }))
            .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
          const evaluateAnswer = new EvaluateAnswer(version, flags);
          const ofrep = new OfrepFlagsAnswer(flags);
          // The same template answers every context: rendered for two contexts, then the first again (the answer kept
          // from one request must not leak into another's, nor a stale one come back).
          const digests = new Map<string, string>();
          for (const c of [context, {}, context, { companyId: 'c1' }]) {
            expect(evaluateAnswer.for(c)).toBe(evaluateByObjects(version, flags, c));
            expect(ofrep.flags(c)).toBe(ofrepByObjects(flags, c));
            const { body, digest } = ofrep.answer(c);
            digests.set(body.toString('utf8'), digest);
          }
          // Equal bytes, equal digests; different bytes, different digests.
          expect(new Set(digests.values()).size).toBe(digests.size);
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
    const { body, digest } = answer.answer(context);
    return { text: body.toString('utf8'), digest };
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
    expect(one.text).toBe(`{"flags":${before.flags({ targetingKey: 'user-1' })},"eventStreams":`);
    expect(digest(after, { targetingKey: 'user-1' })).toEqual(one);
    // user-2's answer differs from user-1's: so does its digest.
    expect(digest(after, { targetingKey: 'user-2' }).digest).not.toBe(one.digest);
    // The flag's first target changes everyone's reason (STATIC → DEFAULT): a different text, a different digest.
    const staticOnly = new OfrepFlagsAnswer(flagsOf([]));
    expect(digest(staticOnly, { targetingKey: 'user-1' }).text).not.toBe(one.text);
    expect(digest(staticOnly, { targetingKey: 'user-1' }).digest).not.toBe(one.digest);
  });
});

describe('the answer a template keeps', () => {
  const flags: RuntimeFlag[] = [
    {
      key: 'a',
      type: 'bool',
      value: false,
      clientEnabled: true,
      rollout: { percentage: 50, value: true },
      users: NO_TARGETS,
      companies: NO_TARGETS,
    },
    { key: 'b', type: 'bool', value: false, clientEnabled: true, rollout: null, users: new Map([['user-1', true]]), companies: NO_TARGETS },
    { key: 'c', type: 'string', value: 'x', clientEnabled: true, rollout: null, users: new Map([['user-1', 'y']]), companies: NO_TARGETS },
  ];

  it('is given again, bytes and digest, to a request whose flags evaluate the same, and never to another', () => {
    const ofrep = new OfrepFlagsAnswer(flags);
    const first = ofrep.answer({ targetingKey: 'user-1' });
    expect(ofrep.answer({ targetingKey: 'user-1' })).toBe(first);
    const other = ofrep.answer({ targetingKey: 'user-2' });
    expect(other).not.toBe(first);
    expect(other.body.equals(first.body)).toBe(false);
    expect(other.digest).not.toBe(first.digest);
    // Back to user-1: equal bytes and digest again, though made anew (only the last answer is kept).
    const again = ofrep.answer({ targetingKey: 'user-1' });
    expect(again.body.equals(first.body)).toBe(true);
    expect(again.digest).toBe(first.digest);
    expect(again.body.toString('utf8')).toBe(`{"flags":${ofrepByObjects(flags, { targetingKey: 'user-1' })},"eventStreams":`);
  });
});
