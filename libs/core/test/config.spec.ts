import { AppConfig, ConfigError, loadConfig } from '../src/config/app-config';

describe('loadConfig', () => {
  it('applies documented defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toBeInstanceOf(AppConfig);
    expect(c).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', DATA_DIR: './.data', SIGNUP_ENABLED: true, LOGIN_RATE_LIMIT: 10, BODY_LIMIT: 1_048_576 });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
  });

  it('parses numbers and booleans from strings and ignores unrelated variables', () => {
    const c = loadConfig({ PORT: '8080', SIGNUP_ENABLED: 'false', TRUST_PROXY: '1', PATH: '/usr/bin', DATABASE_URL: 'postgres://u@h/db' });
    expect(c.PORT).toBe(8080);
    expect(c.SIGNUP_ENABLED).toBe(false);
    expect(c.TRUST_PROXY).toBe(true);
    expect(c.DATABASE_URL).toBe('postgres://u@h/db');
    expect(c).not.toHaveProperty('PATH');
  });

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
