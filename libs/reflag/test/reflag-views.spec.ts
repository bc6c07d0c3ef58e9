import type { Flag, FlagTarget } from '@superflag/flags';
import { entityFlagView, flagHeaders, remoteConfigsOf, specificTargets, valueKey } from '../src/reflag-views';

const at = new Date('2026-01-02T03:04:05.000Z');
const flag = (over: Partial<Flag>): Flag =>
  ({
    id: 'flg_1',
    environmentId: 'env_1',
    key: 'f',
    type: 'bool',
    value: false,
    clientEnabled: false,
    description: null,
    rollout: null,
    createdAt: at,
    updatedAt: at,
    ...over,
  }) as Flag;
const target = (targetType: 'user' | 'company', targetId: string, value: unknown): FlagTarget =>
  ({ flagId: 'flg_1', targetType, targetId, value, createdAt: at, updatedAt: at }) as FlagTarget;

describe('Reflag views', () => {
  it('groups targets by value as JSON text, companies then users, each by id', () => {
    expect(
      specificTargets([
        target('user', 'u2', 'blue'),
        target('user', 'u1', 'green'),
        target('company', 'c1', 'blue'),
        target('user', 'u0', 'blue'),
      ]),
    ).toEqual({ '"blue"': { companyIds: ['c1'], userIds: ['u0', 'u2'] }, '"green"': { companyIds: [], userIds: ['u1'] } });
    expect([true, 3, 'x', { a: [1] }].map((v) => valueKey(v as never))).toEqual(['true', '3', '"x"', '{"a":[1]}']);
  });

  it('gives typed flags their distinct values as remote-config variants, and boolean flags none', () => {
    expect(remoteConfigsOf(flag({ type: 'bool', value: true }), [target('user', 'u', false)])).toEqual([]);
    const json = flag({ key: 'cfg', type: 'json', value: { a: 1 }, rollout: { percentage: 5, value: { a: 2 } } });
    expect(
      remoteConfigsOf(json, [target('user', 'u1', { a: 1 }), target('user', 'u2', { b: true }), target('user', 'u3', { b: true })]),
    ).toEqual([
      {
        key: 'cfg',
        variants: [
          { variant: { key: 'default', payload: { a: 1 } } },
          { variant: { key: 'rollout', payload: { a: 2 } } },
          { variant: { key: 'target-1', payload: { b: true } } },
        ],
      },
    ]);
  });

  it('lists an app’s flags once per key: the first description, the earliest creation', () => {
    const later = new Date('2026-02-01T00:00:00.000Z');
    const headers = flagHeaders([
      [flag({ key: 'b', createdAt: later }), flag({ key: 'a' })],
      [flag({ key: 'b', createdAt: at, description: 'B' })],
    ]);
    expect(headers.map((h) => [h.key, h.description, h.createdAt])).toEqual([
      ['a', undefined, at.toISOString()],
      ['b', 'B', at.toISOString()],
    ]);
  });

  it("resolves an entity's value as the runtime does", () => {
    const rolled = flag({ key: 'r', rollout: { percentage: 100, value: true } });
    expect(entityFlagView(rolled, { type: 'user', id: 'u' }, undefined)).toMatchObject({ value: true, specificTargetValue: null });
    expect(entityFlagView(rolled, { type: 'company', id: 'c' }, undefined)).toMatchObject({ value: false, specificTargetValue: null });
    expect(entityFlagView(rolled, { type: 'company', id: 'c' }, true)).toMatchObject({
      value: true,
      specificTargetValue: true,
      specificallyTargetedValue: true,
      exposureCount: 0,
      trackCount: 0,
    });
  });
});
