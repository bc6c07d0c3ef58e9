import { AppConfig, ConfigError, loadConfig } from '../src/config/app-config';

describe('loadConfig', () => {
  it('applies documented defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toBeInstanceOf(AppConfig);
    expect(c).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      DATA_DIR: './.data',
      SIGNUP_ENABLED: true,
      LOGIN_RATE_LIMIT: 10,
      BODY_LIMIT: 1_048_576,
    });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
  });

  it('parses numbers and booleans from strings and ignores unrelated variables', () => {
    const c = loadConfig({
      PORT: '8080',
      SIGNUP_ENABLED: 'false',
      TRUST_PROXY: 'true',
      PATH: '/usr/bin',
      DATABASE_URL: 'postgres://u@h/db',
    });
    expect(c.PORT).toBe(8080);
    expect(c.SIGNUP_ENABLED).toBe(false);
    expect(c.TRUST_PROXY).toBe(true);
    expect(c.DATABASE_URL).toBe('postgres://u@h/db');
    expect(c).not.toHaveProperty('PATH');
  });

  it.each([
    ['false', false],
    ['', false],
    ['0', false],
    ['true', true],
    // A hop count: `1` used to mean true (trust every hop); it now trusts only the proxy in front.
    ['1', 1],
    [' 2 ', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['10.0.0.0/8, 127.0.0.1,::1,fd00::/8', ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8']],
    ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
  ])('reads TRUST_PROXY=%j as %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });

  it.each(['maybe', '10.0.0.0/33', '::1/129', '10.0.0.1/8/2', '300.1.1.1', '-1', '101', '10.0.0.0/8,,nope'])(
    'refuses TRUST_PROXY=%j with one line',
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(
        /^Invalid configuration: TRUST_PROXY=.* must be true, false, a hop count or a comma-separated list/,
      );
    },
  );

  it('treats empty URLs as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '' })).toMatchObject({ DATABASE_URL: undefined, REDIS_URL: undefined });
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT="eighty"/],
    [{ PORT: '70000' }, /PORT/],
    [{ SIGNUP_ENABLED: 'maybe' }, /SIGNUP_ENABLED/],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid configuration: DATABASE_URL=\(hidden\) must be a postgres/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL=\(hidden\)/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ ADMIN_EMAIL: 'admin@example.com' }, /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/],
    [{ ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'short' }, /ADMIN_PASSWORD=\(hidden\)/],
  ])('stops with one line naming the variable for %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never prints secret values', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://user:s3cret@host/db' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as Error).message).not.toContain('s3cret');
    }
  });
});
