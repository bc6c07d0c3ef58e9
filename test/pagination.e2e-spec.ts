import { DataSource } from 'typeorm';
import { aMember, TestAppRecord } from './support/factories';
import { TestSession } from './support/session';

/**
 * Lists that can grow page with `limit` and an opaque `cursor`, answering `nextCursor` (null on the last page);
 * without either parameter they answer exactly as before.
 */
describe('Pagination', () => {
  const s = TestSession.perSuite();

  /** Follows nextCursor from the first page to the last, returning every page's body. */
  async function walk(
    path: string,
    query: Record<string, unknown>,
    limit: number,
  ): Promise<Array<{ data: unknown; nextCursor: string | null }>> {
    const pages = [];
    let cursor: string | undefined;
    do {
      const res = await s
        .http()
        .get(path)
        .query({ ...query, limit, ...(cursor ? { cursor } : {}) })
        .set(s.user.auth)
        .expect(200);
      expect(res.body).toHaveProperty('nextCursor');
      pages.push(res.body);
      cursor = res.body.nextCursor ?? undefined;
      expect(pages.length).toBeLessThan(50);
    } while (cursor);
    return pages;
  }

  const ids = (rows: unknown) => (rows as Array<{ id: string }>).map((r) => r.id);

  describe('runtime keys', () => {
    let a: TestAppRecord;
    const query = () => ({ appId: a.id, env: 'production' });
    beforeAll(async () => {
      a = await s.newApp();
      const keys = [];
      for (let i = 0; i < 8; i++) keys.push(await s.key('production', i % 2 ? 'pub' : 'sdk', a));
      await s.http().delete('/api/v1/keys').query({ keyId: keys[3].id }).set(s.user.auth).expect(200);
      // Created within the same millisecond, apart by microseconds (and two at the same instant): a cursor
      // kept to the millisecond would repeat or skip them.
      const db = s.get(DataSource);
      const same = [
        '2025-01-01 00:00:00.000300+00',
        '2025-01-01 00:00:00.000100+00',
        '2025-01-01 00:00:00.000200+00',
        '2025-01-01 00:00:00.000200+00',
      ];
      for (const [i, at] of same.entries()) await db.query('UPDATE api_keys SET created_at = $1 WHERE id = $2', [at, keys[4 + i].id]);
    });

    it('answers the seed shape without paging parameters', async () => {
      const res = await s.http().get('/api/v1/keys').query(query()).set(s.user.auth).expect(200);
      expect(Object.keys(res.body)).toEqual(['data']);
      expect(res.body.data).toHaveLength(7);
    });

    it.each([1, 2, 3, 7, 100])('walks every page of %i in the unpaged order: complete, no duplicates', async (limit) => {
      const all = ids((await s.http().get('/api/v1/keys').query(query()).set(s.user.auth).expect(200)).body.data);
      const pages = await walk('/api/v1/keys', query(), limit);
      for (const page of pages.slice(0, -1)) expect(page.data).toHaveLength(limit);
      expect(pages[pages.length - 1].nextCursor).toBeNull();
      const walked = pages.flatMap((p) => ids(p.data));
      expect(walked).toEqual(all);
      expect(new Set(walked).size).toBe(7);
      expect(pages).toHaveLength(Math.max(1, Math.ceil(7 / limit)));
    });

    it('puts the microsecond-apart keys in creation order, ties by id', async () => {
      const res = await s.http().get('/api/v1/keys').query(query()).set(s.user.auth).expect(200);
      const first = (res.body.data as Array<{ id: string; createdAt: string }>).slice(0, 4);
      expect(first.every((k) => k.createdAt === '2025-01-01T00:00:00.000Z')).toBe(true);
      const db = s.get(DataSource);
      const rows: Array<{ id: string }> = await db.query(
        'SELECT id FROM api_keys WHERE environment_id = $1 AND revoked_at IS NULL ORDER BY created_at, id LIMIT 4',
        [a.envs.production],
      );
      expect(ids(first)).toEqual(rows.map((r) => r.id));
    });
  });

  it('pages members in the order they joined', async () => {
    const a = await s.newApp();
    for (let i = 0; i < 5; i++) await aMember(s, s.user, a, await s.newUser(), i % 2 ? 'viewer' : 'editor');
    const path = `/api/v1/apps/${a.id}/members`;
    const unpaged = await s.http().get(path).set(s.user.auth).expect(200);
    expect(Object.keys(unpaged.body)).toEqual(['data']);
    expect(unpaged.body.data).toHaveLength(6);
    expect(unpaged.body.data[0]).toEqual({ userId: s.user.id, email: s.user.email, role: 'owner', createdAt: expect.any(String) });
    const pages = await walk(path, {}, 4);
    expect(pages.map((p) => (p.data as unknown[]).length)).toEqual([4, 2]);
    expect(pages.flatMap((p) => p.data)).toEqual(unpaged.body.data);
  });

  it("pages a flag's targets: companies, then users, each by id", async () => {
    const a = await s.newApp();
    await s.flag('production', { key: 'beta' }, a);
    const updates = [
      ...['u3', 'u1', 'u5', 'u2', 'u4'].map((userId) => ({ flagKey: 'beta', value: true, userId })),
      ...['c2', 'c1', 'c3'].map((companyId) => ({ flagKey: 'beta', value: false, companyId })),
    ];
    await s.http().patch(`/api/apps/${a.id}/flags/specific-targets/${a.envs.production}`).set(s.user.auth).send({ updates }).expect(200);
    const path = '/api/v1/flags/beta/targets';
    const query = { appId: a.id, env: 'production' };
    const unpaged = await s.http().get(path).query(query).set(s.user.auth).expect(200);
    expect(unpaged.body).toEqual({
      data: { key: 'beta', users: { u1: true, u2: true, u3: true, u4: true, u5: true }, companies: { c1: false, c2: false, c3: false } },
    });
    const pages = await walk(path, query, 3);
    const order = pages.flatMap((p) => {
      const d = p.data as { key: string; users: object; companies: object };
      expect(d.key).toBe('beta');
      return [...Object.keys(d.companies).map((id) => `c:${id}`), ...Object.keys(d.users).map((id) => `u:${id}`)];
    });
    expect(order).toEqual(['c:c1', 'c:c2', 'c:c3', 'u:u1', 'u:u2', 'u:u3', 'u:u4', 'u:u5']);
    expect(pages).toHaveLength(3);
  });

  it('pages the change history newest first by cursor, keeping nextBefore', async () => {
    const a = await s.newApp();
    for (let i = 0; i < 7; i++) await s.flag('production', { key: `f${i}` }, a);
    const query = { appId: a.id, env: 'production' };
    const unpaged = await s.http().get('/api/v1/changes').query(query).set(s.user.auth).expect(200);
    expect(Object.keys(unpaged.body).sort()).toEqual(['data', 'nextBefore']);
    expect(unpaged.body.nextBefore).toBeNull();
    const pages = await walk('/api/v1/changes', query, 3);
    const versions = pages.flatMap((p) => (p.data as Array<{ version: number }>).map((c) => c.version));
    expect(versions).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(pages.flatMap((p) => p.data)).toEqual(unpaged.body.data);
    const first = await s
      .http()
      .get('/api/v1/changes')
      .query({ ...query, limit: 3 })
      .set(s.user.auth)
      .expect(200);
    expect(first.body.nextBefore).toBe(5);
  });

  it('pages the audit newest first by cursor', async () => {
    const a = await s.newApp();
    for (let i = 0; i < 5; i++) await s.key('staging', 'sdk', a);
    const path = `/api/v1/apps/${a.id}/audit`;
    const unpaged = await s.http().get(path).set(s.user.auth).expect(200);
    expect(Object.keys(unpaged.body).sort()).toEqual(['data', 'nextBefore']);
    expect(unpaged.body.data).toHaveLength(5);
    const pages = await walk(path, {}, 2);
    expect(pages.map((p) => (p.data as unknown[]).length)).toEqual([2, 2, 1]);
    const walked = pages.flatMap((p) => (p.data as Array<{ id: number }>).map((e) => e.id));
    expect(walked).toEqual([...walked].sort((x, y) => y - x));
    expect(pages.flatMap((p) => p.data)).toEqual(unpaged.body.data);
  });

  describe('bad paging parameters', () => {
    let a: TestAppRecord;
    beforeAll(async () => {
      a = await s.newApp();
      await s.flag('production', { key: 'beta' }, a);
    });
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const lists = () => [
      { path: '/api/v1/keys', query: { appId: a.id, env: 'production' } },
      { path: `/api/v1/apps/${a.id}/members`, query: {} },
      { path: '/api/v1/flags/beta/targets', query: { appId: a.id, env: 'production' } },
      { path: '/api/v1/changes', query: { appId: a.id, env: 'production' } },
      { path: `/api/v1/apps/${a.id}/audit`, query: {} },
    ];

    it.each([
      ['limit=0', { limit: '0' }],
      ['limit above the maximum', { limit: '1001' }],
      ['limit not a number', { limit: 'ten' }],
      ['limit not an integer', { limit: '2.5' }],
      ['cursor not base64url', { cursor: 'not a cursor!' }],
      ['cursor not JSON', { cursor: Buffer.from('{oops').toString('base64url') }],
      ['cursor of the wrong shape', { cursor: b64({ after: 1 }) }],
      ['cursor too long', { cursor: 'A'.repeat(2000) }],
      ['cursor given twice', { cursor: ['a', 'b'] }],
    ])('answers 400 with an error for %s', async (_name, params) => {
      for (const { path, query } of lists()) {
        const res = await s
          .http()
          .get(path)
          .query({ ...query, ...params })
          .set(s.user.auth);
        expect([path, res.status]).toEqual([path, 400]);
        expect(res.body.error).toEqual(expect.any(String));
        expect(Object.keys(res.body).filter((k) => k !== 'details')).toEqual(['error']);
      }
    });

    it('refuses a cursor whose number would be out of range for the database', async () => {
      const tooBig = '99999999999999999999';
      const keys = await s
        .http()
        .get('/api/v1/keys')
        .query({ appId: a.id, env: 'production', cursor: b64([tooBig, 'key_x']) })
        .set(s.user.auth)
        .expect(400);
      expect(keys.body).toEqual({ error: 'Invalid cursor' });
      const audit = await s
        .http()
        .get(`/api/v1/apps/${a.id}/audit`)
        .query({ cursor: b64([tooBig]) })
        .set(s.user.auth)
        .expect(400);
      expect(audit.body).toEqual({ error: 'Invalid cursor' });
      for (const version of [2 ** 31, 2 ** 60, -1, 1.5]) {
        const changes = await s
          .http()
          .get('/api/v1/changes')
          .query({ appId: a.id, env: 'production', cursor: b64([version]) })
          .set(s.user.auth)
          .expect(400);
        expect(changes.body).toEqual({ error: 'Invalid cursor' });
      }
      const targets = await s
        .http()
        .get('/api/v1/flags/beta/targets')
        .query({ appId: a.id, env: 'production', cursor: b64(['user', 'a\u0000b']) })
        .set(s.user.auth)
        .expect(400);
      expect(targets.body).toEqual({ error: 'Invalid cursor' });
    });

    it('refuses a cursor of another list', async () => {
      const keysCursor = b64(['1735689600000100', 'key_x']);
      expect(
        (await s.http().get('/api/v1/changes').query({ appId: a.id, env: 'production', cursor: keysCursor }).set(s.user.auth).expect(400))
          .body,
      ).toEqual({ error: 'Invalid cursor' });
      const changeCursor = b64([3]);
      expect(
        (await s.http().get('/api/v1/keys').query({ appId: a.id, env: 'production', cursor: changeCursor }).set(s.user.auth).expect(400))
          .body,
      ).toEqual({ error: 'Invalid cursor' });
    });

    it('refuses cursor and before together', async () => {
      const res = await s
        .http()
        .get('/api/v1/changes')
        .query({ appId: a.id, env: 'production', cursor: b64([3]), before: 3 })
        .set(s.user.auth)
        .expect(400);
      expect(res.body).toEqual({ error: 'Give cursor or before, not both' });
    });
  });
});
