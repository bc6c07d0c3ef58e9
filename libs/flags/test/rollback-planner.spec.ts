import { DomainError } from '@superflag/core';
import type { ChangeDiff, FlagDiff, TargetDiff } from '../src/flag-change.entity';
import { assertRollbackWithinLimits } from '../src/flag-limits';
import type { FlagState } from '../src/flag-values';
import { planRollback, type PlannedFlag, type PlannedTarget } from '../src/rollback-planner';

const state = (value: FlagState['value'], over: Partial<FlagState> = {}): FlagState => ({
  type: typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? 'number' : typeof value === 'string' ? 'string' : 'json',
  value,
  clientEnabled: false,
  description: null,
  rollout: null,
  ...over,
});
const flag = (key: string, s: FlagState): PlannedFlag => ({ key, ...s });
const target = (
  key: string,
  targetId: string,
  value: PlannedTarget['value'],
  targetType: PlannedTarget['targetType'] = 'user',
): PlannedTarget => ({ key, targetType, targetId, value });
const set = (key: string, before: FlagState | null, after: FlagState | null): FlagDiff => ({ key, before, after });
const override = (
  key: string,
  targetId: string,
  before: TargetDiff['before'],
  after: TargetDiff['after'],
  targetType: TargetDiff['targetType'] = 'user',
): TargetDiff => ({ key, targetType, targetId, before, after });
/** Change records as the history store returns them: newest first. */
const newestFirst = (...changes: ChangeDiff[][]) => changes.reverse().map((diffs) => ({ diffs }));

describe('planRollback', () => {
  it('restores values across several later changes, undoing the newest first', () => {
    // v1: a=1 · v2: a=2 · v3: a=3, b created · now: a=3, b=true. Back to v1.
    const plan = planRollback(
      [flag('a', state(3)), flag('b', state(true))],
      [],
      newestFirst([set('a', state(1), state(2))], [set('a', state(2), state(3)), set('b', null, state(true))]),
    );
    expect(plan.writes).toEqual([{ key: 'a', state: state(1), exists: true }]);
    expect(plan.deletions).toEqual(['b']);
    expect(plan.diffs).toEqual([set('a', state(3), state(1)), set('b', state(true), null)]);
    expect(plan.restored).toBe(2);
  });

  it('writes nothing when nothing changed since the version, or when the later changes cancel out', () => {
    expect(planRollback([flag('a', state(1))], [target('a', 'u1', 2)], [])).toMatchObject({
      writes: [],
      targets: [],
      deletions: [],
      diffs: [],
      restored: 0,
    });
    const cancelled = planRollback([flag('a', state(1))], [], newestFirst([set('a', state(1), state(2))], [set('a', state(2), state(1))]));
    expect(cancelled.diffs).toEqual([]);
  });

  it('restores rollouts, and reads a history state without a rollout (older records) as having none', () => {
    const rollout = { percentage: 25, value: 9 };
    const added = planRollback([flag('a', state(1, { rollout }))], [], newestFirst([set('a', state(1), state(1, { rollout }))]));
    expect(added.writes).toEqual([{ key: 'a', state: state(1), exists: true }]);

    const { rollout: _omitted, ...old } = state(1);
    const legacy = planRollback([flag('a', state(1, { rollout }))], [], newestFirst([set('a', old as FlagState, state(1, { rollout }))]));
    expect(legacy.writes).toEqual([{ key: 'a', state: { ...old, rollout: null }, exists: true }]);

    const changed = planRollback(
      [flag('a', state(1, { rollout: { percentage: 50, value: 9 } }))],
      [],
      newestFirst([set('a', state(1, { rollout }), state(1, { rollout: { percentage: 50, value: 9 } }))]),
    );
    expect(changed.writes).toEqual([{ key: 'a', state: state(1, { rollout }), exists: true }]);
  });

  it('compares json values by their text: the same keys in another order are another value', () => {
    const plan = planRollback(
      [flag('j', state({ b: 1, a: 2 }))],
      [],
      newestFirst([set('j', state({ a: 2, b: 1 }), state({ b: 1, a: 2 }))]),
    );
    expect(plan.writes).toEqual([{ key: 'j', state: state({ a: 2, b: 1 }), exists: true }]);
    // A history state whose fields are in jsonb's order is still the same flag.
    const reordered = { value: 1, type: 'number', rollout: null, description: null, clientEnabled: false } as FlagState;
    expect(planRollback([flag('n', state(1))], [], newestFirst([set('n', reordered, state(1))])).diffs).toEqual([]);
  });

  it('restores, removes and re-adds overrides, in (flag, type, id) order after the flag writes', () => {
    const plan = planRollback(
      [flag('a', state(false)), flag('b', state(false))],
      [target('b', 'u1', true), target('a', 'u2', false), target('a', 'c1', true, 'company')],
      newestFirst([
        override('a', 'u2', true, false),
        override('b', 'u1', null, true),
        override('a', 'u3', false, null),
        override('a', 'c1', null, true, 'company'),
      ]),
    );
    expect(plan.targets).toEqual([
      target('a', 'c1', null, 'company'),
      target('a', 'u2', true),
      target('a', 'u3', false),
      target('b', 'u1', null),
    ]);
    expect(plan.diffs).toEqual([
      override('a', 'c1', true, null, 'company'),
      override('a', 'u2', false, true),
      override('a', 'u3', null, false),
      override('b', 'u1', true, null),
    ]);
    expect(plan.restored).toBe(2);
  });

  it('recreates a flag deleted since, with its overrides after it', () => {
    // v1: a with an override for u1 · v2: a deleted (its override recorded first, as deletes record them).
    const plan = planRollback([], [], newestFirst([override('a', 'u1', true, null), set('a', state(false), null)]));
    expect(plan.writes).toEqual([{ key: 'a', state: state(false), exists: false }]);
    expect(plan.targets).toEqual([target('a', 'u1', true)]);
    expect(plan.diffs).toEqual([set('a', null, state(false)), override('a', 'u1', null, true)]);
  });

  it('deletes a flag created since, recording its overrides before it, after every other write', () => {
    const plan = planRollback(
      [flag('a', state(2)), flag('z', state('new'))],
      [target('z', 'u1', 'mine'), target('z', 'u2', 'yours')],
      newestFirst(
        [set('z', null, state('new')), set('a', state(1), state(2))],
        [override('z', 'u1', null, 'mine'), override('z', 'u2', null, 'yours')],
      ),
    );
    expect(plan.targets).toEqual([]);
    expect(plan.deletions).toEqual(['z']);
    expect(plan.diffs).toEqual([
      set('a', state(2), state(1)),
      override('z', 'u1', 'mine', null),
      override('z', 'u2', 'yours', null),
      set('z', state('new'), null),
    ]);
  });

  it('brings a deleted and recreated flag back as it was, whatever type it has now', () => {
    // v1: a bool with an override · v2: deleted · v3: recreated as a string. Back to v1: overwritten in place.
    const later = newestFirst([override('a', 'u1', true, null), set('a', state(false), null)], [set('a', null, state('text'))]);
    const plan = planRollback([flag('a', state('text'))], [], later);
    expect(plan.writes).toEqual([{ key: 'a', state: state(false), exists: true }]);
    expect(plan.targets).toEqual([target('a', 'u1', true)]);
    expect(plan.diffs).toEqual([set('a', state('text'), state(false)), override('a', 'u1', null, true)]);
    // Back to v2 (deleted): the recreated flag goes.
    expect(planRollback([flag('a', state('text'))], [], later.slice(0, 1))).toMatchObject({ writes: [], deletions: ['a'] });
  });

  it('counts flags and overrides per flag before and after, for the tenant limits', () => {
    const plan = planRollback(
      [flag('a', state(true))],
      [target('a', 'u1', true)],
      newestFirst(
        [set('b', state(1), null), override('a', 'u2', false, null), override('a', 'u3', false, null)],
        [set('a', null, state(true))],
      ),
    );
    // Back before a existed: b returns, a goes (and with it every override of a).
    expect(plan.counts).toEqual({ flagsBefore: 1, flagsAfter: 1, targetsBefore: new Map([['a', 1]]), targetsAfter: new Map() });
    const keep = planRollback(
      [flag('a', state(true))],
      [target('a', 'u1', true)],
      newestFirst([override('a', 'u2', false, null), override('a', 'u3', false, null)]),
    );
    expect(keep.counts.targetsAfter).toEqual(new Map([['a', 3]]));
  });
});

describe('assertRollbackWithinLimits', () => {
  const limits = { flagsPerEnvironment: 2, targetsPerFlag: 2 };
  const limitError = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      return { status: (err as DomainError).status, message: (err as DomainError).message, extra: (err as DomainError).extra };
    }
    return undefined;
  };

  it("refuses a rollback that grows the flags or a flag's overrides past a limit lowered since", () => {
    const grows = planRollback([flag('a', state(1))], [], newestFirst([set('b', state(1), null), set('c', state(1), null)]));
    expect(limitError(() => assertRollbackWithinLimits(limits, grows))).toEqual({
      status: 409,
      message: 'Flags per environment limit reached (2)',
      extra: {},
    });
    const targets = planRollback(
      [flag('a', state(true))],
      [],
      newestFirst([override('a', 'u1', true, null), override('a', 'u2', true, null), override('a', 'u3', true, null)]),
    );
    expect(limitError(() => assertRollbackWithinLimits(limits, targets))).toEqual({
      status: 409,
      message: 'Targets per flag limit reached (2)',
      extra: { key: 'a' },
    });
  });

  it('lets a rollback through that keeps or shrinks what is already over a limit', () => {
    const over = [flag('a', state(1)), flag('b', state(1)), flag('c', state(1))];
    const shrinks = planRollback(over, [], newestFirst([set('c', null, state(1))]));
    expect(limitError(() => assertRollbackWithinLimits(limits, shrinks))).toBeUndefined();
    const targetsOver = [target('a', 'u1', true), target('a', 'u2', true), target('a', 'u3', true)];
    const fewer = planRollback([flag('a', state(true))], targetsOver, newestFirst([override('a', 'u3', null, true)]));
    expect(limitError(() => assertRollbackWithinLimits(limits, fewer))).toBeUndefined();
  });
});
