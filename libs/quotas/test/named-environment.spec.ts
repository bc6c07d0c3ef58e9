import { namedEnvironment } from '../src/quota.guard';

describe('namedEnvironment (which environment a management request is counted against)', () => {
  it('reads the path, then the query, then the body', () => {
    expect(namedEnvironment({ params: { appId: 'app_1', envId: 'env_1' }, query: { appId: 'app_2', env: 'x' } })).toEqual({
      appId: 'app_1',
      env: 'env_1',
    });
    expect(namedEnvironment({ params: {}, query: { appId: 'app_2', env: 'production' } })).toEqual({ appId: 'app_2', env: 'production' });
    expect(namedEnvironment({ params: {}, query: {}, body: { appId: 'app_3', env: 'staging' } })).toEqual({
      appId: 'app_3',
      env: 'staging',
    });
  });

  it("combines the path's app with the query's environment (Reflag's GET /api/apps/{appId}/features?envId=)", () => {
    expect(namedEnvironment({ params: { appId: 'app_1' }, query: { envId: 'env_9', includeRemoteConfigs: 'true' } })).toEqual({
      appId: 'app_1',
      env: 'env_9',
    });
  });

  it('names nothing the database could not compare, or when either part is missing', () => {
    expect(namedEnvironment({ params: { appId: 'app_1' }, query: {} })).toBeUndefined();
    expect(namedEnvironment({ params: { appId: 'app_1', envId: 'a\u0000b' } })).toBeUndefined();
    expect(namedEnvironment({ params: { appId: 'x'.repeat(65), envId: 'production' } })).toBeUndefined();
    expect(namedEnvironment({ query: { appId: 'app_1', env: ['a', 'b'] } })).toBeUndefined();
  });
});
