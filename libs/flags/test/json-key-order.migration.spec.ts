import { PGlite } from '@electric-sql/pglite';
import type { QueryRunner } from 'typeorm';
import { JsonKeyOrder1764000800000 } from '../../../migrations/1764000800000-json-key-order';

/** The jsonb → json migration keeps every existing value, and from then on values keep the key order they are written in. */
describe('migration 1764000800000: flag values as json', () => {
  let db: PGlite;
  const runner = () => ({ query: (sql: string) => db.exec(sql) }) as unknown as QueryRunner;
  const typeOf = async (table: string, column: string) =>
    (
      await db.query<{ data_type: string }>(`SELECT data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`, [
        table,
        column,
      ])
    ).rows[0].data_type;
  const text = async (sql: string) => (await db.query<{ t: string }>(sql)).rows.map((r) => r.t);

  beforeAll(async () => {
    db = await PGlite.create();
    // The columns as the earlier migrations left them.
    await db.exec(`
      CREATE TABLE flags (id varchar(32) PRIMARY KEY, value jsonb NOT NULL, rollout jsonb);
      CREATE TABLE flag_targets (flag_id varchar(32) REFERENCES flags(id) ON DELETE CASCADE, target_id varchar(256), value jsonb NOT NULL);
      CREATE TABLE flag_changes (id varchar(32) PRIMARY KEY, diffs jsonb NOT NULL);
      INSERT INTO flags VALUES ('f1', '{"colors": ["red"], "n": 1}', '{"percentage": 5, "value": {"zz": 1, "a": 2}}'), ('f2', 'true', NULL), ('f3', '"text"', NULL);
      INSERT INTO flag_targets VALUES ('f1', 'u1', '{"b": 1, "a": [1, {"d": 2, "c": 3}]}');
      INSERT INTO flag_changes VALUES ('c1', '[{"key": "f1", "before": null, "after": {"type": "json", "value": {"colors": ["red"], "n": 1}}}]');
    `);
  });
  afterAll(() => db.close());

  it('converts every column and keeps every value', async () => {
    const jsonb = await text(`SELECT value::text || '|' || coalesce(rollout::text, '') AS t FROM flags ORDER BY id`);
    const targets = await text(`SELECT value::text AS t FROM flag_targets`);
    const diffs = await text(`SELECT diffs::text AS t FROM flag_changes`);
    await new JsonKeyOrder1764000800000().up(runner());
    for (const [table, column] of [
      ['flags', 'value'],
      ['flags', 'rollout'],
      ['flag_targets', 'value'],
      ['flag_changes', 'diffs'],
    ])
      expect(await typeOf(table, column)).toBe('json');
    // json keeps the text jsonb gave it, so the existing values read back exactly as before.
    expect(await text(`SELECT value::text || '|' || coalesce(rollout::text, '') AS t FROM flags ORDER BY id`)).toEqual(jsonb);
    expect(await text(`SELECT value::text AS t FROM flag_targets`)).toEqual(targets);
    expect(await text(`SELECT diffs::text AS t FROM flag_changes`)).toEqual(diffs);
  });

  it('keeps the key order of values written afterwards, also through json_to_recordset', async () => {
    await db.query(`UPDATE flags SET value = $1::json WHERE id = 'f1'`, [JSON.stringify({ zeta: 1, alpha: { y: 1, b: 2 } })]);
    expect(await text(`SELECT value::text AS t FROM flags WHERE id = 'f1'`)).toEqual(['{"zeta":1,"alpha":{"y":1,"b":2}}']);
    await db.query(
      `UPDATE flags AS f SET value = v.value FROM json_to_recordset($1::json) AS v(id varchar, value json) WHERE f.id = v.id`,
      [JSON.stringify([{ id: 'f2', value: { m: 1, c: [{ z: 0, a: 1 }] } }])],
    );
    expect(JSON.stringify((await db.query<{ value: unknown }>(`SELECT value FROM flags WHERE id = 'f2'`)).rows[0].value)).toBe(
      '{"m":1,"c":[{"z":0,"a":1}]}',
    );
  });

  it('goes back to jsonb', async () => {
    await new JsonKeyOrder1764000800000().down(runner());
    for (const [table, column] of [
      ['flags', 'value'],
      ['flags', 'rollout'],
      ['flag_targets', 'value'],
      ['flag_changes', 'diffs'],
    ])
      expect(await typeOf(table, column)).toBe('jsonb');
  });
});
