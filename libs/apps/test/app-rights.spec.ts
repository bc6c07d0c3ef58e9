import { APP_KEY_ROLE, roleAllows } from '../src/app-rights';

describe('roleAllows', () => {
  const rights = ['read', 'write', 'manage'] as const;
  const allowed = (role: Parameters<typeof roleAllows>[0]) => rights.filter((r) => roleAllows(role, r));

  it('gives owners every right, editors read and write, viewers read', () => {
    expect(allowed('owner')).toEqual(['read', 'write', 'manage']);
    expect(allowed('editor')).toEqual(['read', 'write']);
    expect(allowed('viewer')).toEqual(['read']);
  });

  it("never lets an app's management key manage", () => {
    expect(allowed(APP_KEY_ROLE)).toEqual(['read', 'write']);
  });

  it('gives an unknown role nothing', () => {
    expect(roleAllows('intruder' as never, 'read')).toBe(false);
  });
});
