import type { MigrationInterface } from 'typeorm';
import { migrationsWith } from '../src/app.module';
import { MIGRATIONS } from '../../../migrations';

/** A migration class named as TypeORM requires, doing nothing. */
function migration(name: string): new () => MigrationInterface {
  return {
    [name]: class implements MigrationInterface {
      async up(): Promise<void> {}
      async down(): Promise<void> {}
    },
  }[name];
}

describe('migrationsWith', () => {
  it('is the project migrations, in order, when there are no extensions', () => {
    expect(migrationsWith([]).map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it("interleaves an extension's migrations with the project's by timestamp", () => {
    const early = migration('FeedEarly1764000150000');
    const late = migration('FeedLate1799999999999');
    const names = migrationsWith([{ module: class {}, migrations: [late, early] }]).map((m) => m.name);

    expect(names).toHaveLength(MIGRATIONS.length + 2);
    expect(names.indexOf('FeedEarly1764000150000')).toBe(names.indexOf('Flags1764000100000') + 1);
    expect(names[names.length - 1]).toBe('FeedLate1799999999999');
    const stamps = names.map((n) => Number(n.slice(-13)));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('refuses two migrations of one name: the second would count as applied and never run', () => {
    const ext = { module: class {}, migrations: [migration('Flags1764000100000')] };
    expect(() => migrationsWith([ext])).toThrow('Two migrations are named Flags1764000100000');
  });

  it('refuses a migration whose class name does not end with a timestamp', () => {
    expect(() => migrationsWith([{ module: class {}, migrations: [migration('ChangeFeed')] }])).toThrow(
      /ChangeFeed must end its class name with a 13-digit timestamp/,
    );
  });

  it('does not reorder the project list it was given', () => {
    const before = MIGRATIONS.map((m) => m.name);
    migrationsWith([{ module: class {}, migrations: [migration('Feed1764000050000')] }]);
    expect(MIGRATIONS.map((m) => m.name)).toEqual(before);
  });
});
