import { embeddedFlags, type EmbeddedFlags, PRINCIPAL } from './support/embedded-flags';

/** Rules of per-user and per-company overrides, on the real stores and tables. */
describe('TargetsService', () => {
  let db: EmbeddedFlags;
  beforeAll(async () => (db = await embeddedFlags({ LIMIT_TARGETS_PER_FLAG: 3 })));
  afterAll(() => db.close());
  afterEach(() => (db.config.LIMIT_TARGETS_PER_FLAG = 3));

  async function withFlags(...flags: Array<{ key: string; type: string; value: unknown }>) {
    const ref = await db.environment();
    for (const f of flags) await db.flags.create(PRINCIPAL, ref, f);
    return ref;
  }
  const overrides = async (ref: { appId: string; env: string }, key: string) =>
    (await db.targets.list(PRINCIPAL, ref, key)).items.map((t) => `${t.targetType}:${t.targetId}=${JSON.stringify(t.value)}`);
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (err) => ({ status: err.status, message: err.message, ...err.extra }),
    );

  it('sets and removes overrides in one version, recording each before and after', async () => {
    const ref = await withFlags({ key: 'on', type: 'bool', value: false });
    expect(
      await db.targets.update(
        PRINCIPAL,
        ref,
        [
          { flagKey: 'on', userId: 'u1', value: true },
          { flagKey: 'on', companyId: 'c1', value: true },
        ],
        {},
      ),
    ).toEqual({ version: 2, updated: 2 });
    const second = await db.targets.update(
      PRINCIPAL,
      ref,
      [
        { flagKey: 'on', userId: 'u1', value: null },
        { flagKey: 'on', companyId: 'c1', value: false },
      ],
      { changeDescription: 'swap' },
    );
    expect(second).toEqual({ version: 3, updated: 2 });
    expect(await overrides(ref, 'on')).toEqual(['company:c1=false']);
    const [latest] = await db.history.list(PRINCIPAL, ref, 1);
    expect(latest).toMatchObject({ action: 'targets', changeDescription: 'swap' });
    expect(latest.diffs).toEqual([
      { key: 'on', targetType: 'user', targetId: 'u1', before: true, after: null },
      { key: 'on', targetType: 'company', targetId: 'c1', before: true, after: false },
    ]);
  });

  it('lists companies first, then users, each by id, whole or page by page', async () => {
    const ref = await withFlags({ key: 'f', type: 'number', value: 0 });
    await db.targets.update(
      PRINCIPAL,
      ref,
      [
        { flagKey: 'f', userId: 'b', value: 1 },
        { flagKey: 'f', userId: 'a', value: 2 },
        { flagKey: 'f', companyId: 'z', value: 3 },
      ],
      {},
    );
    expect(await overrides(ref, 'f')).toEqual(['company:z=3', 'user:a=2', 'user:b=1']);
    const first = await db.targets.list(PRINCIPAL, ref, 'f', { limit: 2 });
    expect(first.items.map((t) => t.targetId)).toEqual(['z', 'a']);
    const rest = await db.targets.list(PRINCIPAL, ref, 'f', { limit: 2, after: ['user', 'a'] });
    expect(rest).toMatchObject({ items: [{ targetId: 'b' }], nextCursor: null });
  });

  it('keeps a json override exactly as given, key order included', async () => {
    const ref = await withFlags({ key: 'cfg', type: 'json', value: {} });
    await db.targets.update(PRINCIPAL, ref, [{ flagKey: 'cfg', userId: 'u', value: { zeta: 1, alpha: [{ y: 1, b: 2 }] } }], {});
    expect(await overrides(ref, 'cfg')).toEqual(['user:u={"zeta":1,"alpha":[{"y":1,"b":2}]}']);
  });

  it('refuses a malformed batch before touching anything', async () => {
    const ref = await withFlags({ key: 'on', type: 'bool', value: false });
    expect(await failure(db.targets.update(PRINCIPAL, ref, [], {}))).toEqual({
      status: 400,
      message: 'updates must contain at least one update',
    });
    expect(
      await failure(
        db.targets.update(
          PRINCIPAL,
          ref,
          Array.from({ length: 1001 }, () => ({ flagKey: 'on', userId: 'u', value: true })),
          {},
        ),
      ),
    ).toMatchObject({ status: 400 });
    const both = [
      { flagKey: 'on', userId: 'u1', value: true },
      { flagKey: 'on', userId: 'u2', companyId: 'c', value: true },
    ];
    expect(await failure(db.targets.update(PRINCIPAL, ref, both, {}))).toEqual({
      status: 400,
      message: 'updates[1] must have exactly one of userId or companyId',
      index: 1,
    });
    expect(await failure(db.targets.update(PRINCIPAL, ref, [{ flagKey: 'on', value: true }], {}))).toMatchObject({ status: 400, index: 0 });
    expect(await db.version(ref.env)).toBe(1);
  });

  it('applies all updates or none: an unknown flag or a value of the wrong type fails the batch, naming itself', async () => {
    const ref = await withFlags({ key: 'on', type: 'bool', value: false });
    const unknown = [
      { flagKey: 'on', userId: 'u1', value: true },
      { flagKey: 'nope', userId: 'u1', value: true },
    ];
    expect(await failure(db.targets.update(PRINCIPAL, ref, unknown, {}))).toEqual({
      status: 404,
      message: 'Flag not found: nope',
      key: 'nope',
      index: 1,
    });
    const wrongType = [
      { flagKey: 'on', userId: 'u1', value: true },
      { flagKey: 'on', userId: 'u2', value: 'yes' },
    ];
    expect(await failure(db.targets.update(PRINCIPAL, ref, wrongType, {}))).toMatchObject({
      status: 400,
      message: 'Invalid value for flag type bool: on',
      key: 'on',
    });
    expect(await overrides(ref, 'on')).toEqual([]);
    expect(await db.version(ref.env)).toBe(1);
  });

  it('counts LIMIT_TARGETS_PER_FLAG on the batch end state, per flag', async () => {
    const ref = await withFlags({ key: 'a', type: 'bool', value: false }, { key: 'b', type: 'bool', value: false });
    await db.targets.update(
      PRINCIPAL,
      ref,
      ['u1', 'u2', 'u3'].map((userId) => ({ flagKey: 'a', userId, value: true })),
      {},
    );
    expect(await failure(db.targets.update(PRINCIPAL, ref, [{ flagKey: 'a', userId: 'u4', value: true }], {}))).toEqual({
      status: 409,
      message: 'Targets per flag limit reached (3)',
      key: 'a',
    });
    // Removing one makes room for another in the same batch; another flag has its own count; changing a value adds nothing.
    const swap = [
      { flagKey: 'a', userId: 'u1', value: null },
      { flagKey: 'a', userId: 'u4', value: true },
      { flagKey: 'a', userId: 'u2', value: false },
      { flagKey: 'b', userId: 'u1', value: true },
    ];
    expect(await db.targets.update(PRINCIPAL, ref, swap, {})).toMatchObject({ updated: 4 });
    expect(await overrides(ref, 'a')).toEqual(['user:u2=false', 'user:u3=true', 'user:u4=true']);
  });

  it('lets a flag left over a lowered limit change and shrink, but not grow', async () => {
    const ref = await withFlags({ key: 'a', type: 'number', value: 0 });
    await db.targets.update(
      PRINCIPAL,
      ref,
      ['u1', 'u2', 'u3'].map((userId) => ({ flagKey: 'a', userId, value: 1 })),
      {},
    );
    db.config.LIMIT_TARGETS_PER_FLAG = 1;
    expect(await db.targets.update(PRINCIPAL, ref, [{ flagKey: 'a', userId: 'u1', value: 2 }], {})).toMatchObject({ updated: 1 });
    expect(
      await db.targets.update(
        PRINCIPAL,
        ref,
        [
          { flagKey: 'a', userId: 'u1', value: null },
          { flagKey: 'a', userId: 'u9', value: 5 },
        ],
        {},
      ),
    ).toMatchObject({ updated: 2 });
    expect(await failure(db.targets.update(PRINCIPAL, ref, [{ flagKey: 'a', userId: 'u10', value: 5 }], {}))).toMatchObject({
      status: 409,
      message: 'Targets per flag limit reached (1)',
    });
    expect(await db.targets.update(PRINCIPAL, ref, [{ flagKey: 'a', userId: 'u2', value: null }], {})).toMatchObject({ updated: 1 });
    expect(await overrides(ref, 'a')).toEqual(['user:u3=1', 'user:u9=5']);
  });

  it("refuses a flag's type change while it has overrides of the old type; they go with the flag", async () => {
    const ref = await withFlags({ key: 'v', type: 'bool', value: false });
    await db.targets.update(PRINCIPAL, ref, [{ flagKey: 'v', companyId: 'c', value: true }], {});
    expect(await failure(db.flags.update(PRINCIPAL, ref, { key: 'v', type: 'string', value: 'x' }))).toEqual({
      status: 400,
      message: 'The flag has targets with values of the old type: remove them before changing the type',
    });
    await db.flags.delete(PRINCIPAL, ref, 'v', {});
    const [deleted] = await db.history.list(PRINCIPAL, ref, 1);
    expect(deleted.diffs).toEqual([
      { key: 'v', targetType: 'company', targetId: 'c', before: true, after: null },
      { key: 'v', before: { type: 'bool', value: false, clientEnabled: false, description: null, rollout: null }, after: null },
    ]);
    // A rollback brings the flag back first, then its override.
    await db.history.rollback(PRINCIPAL, ref, 2, {});
    expect(await overrides(ref, 'v')).toEqual(['company:c=true']);
  });
});
