import { roleAllows } from '../src/app-rights';

describe('roleAllows', () => {
  it('gives owners every right', () => {
    for (const right of ['read', 'write', 'manage'] as const) expect(roleAllows('owner', right)).toBe(true);
  });

  it('gives an unknown role nothing', () => {
    expect(roleAllows('intruder' as never, 'read')).toBe(false);
  });
});
