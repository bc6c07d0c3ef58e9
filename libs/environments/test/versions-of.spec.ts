import { Logger } from '@nestjs/common';
import type { EnvironmentStore } from '../src/environment.store';
import { VERSIONS_CHUNK } from '../src/environments.service';
import { environmentsWith } from './fakes';

/** A store answering `versions(ids)`, whose statements can be made to fail. */
function repository(versions: Map<string, number>, fail: (statement: number) => boolean) {
  const sizes: number[] = [];
  const repo: Pick<EnvironmentStore, 'versions'> = {
    versions: async (ids) => {
      sizes.push(ids.length);
      if (fail(sizes.length)) throw new Error('Connection terminated unexpectedly');
      return ids.filter((id) => versions.has(id)).map((id) => ({ id, version: versions.get(id)! }));
    },
  };
  return { repo, sizes };
}

const service = (repo: Pick<EnvironmentStore, 'versions'>) => environmentsWith({ versions: repo.versions }).environments;

// The failures these tests provoke are logged as warnings: expected here, noise in the output.
beforeAll(() => Logger.overrideLogger(false));

describe('EnvironmentsService.versionsOf', () => {
  const ids = Array.from({ length: 2 * VERSIONS_CHUNK + 10 }, (_, i) => `env_${i}`);
  const versions = new Map(ids.filter((_, i) => i % 3 !== 0).map((id, i) => [id, i]));

  it('asks in bounded chunks and says which ids are gone', async () => {
    const { repo, sizes } = repository(versions, () => false);
    const answer = await service(repo).versionsOf(ids);
    expect(sizes).toEqual([VERSIONS_CHUNK, VERSIONS_CHUNK, 10]);
    expect(answer.size).toBe(ids.length);
    for (const id of ids) expect(answer.get(id)).toBe(versions.get(id) ?? null);
  });

  it('leaves out the ids of a failed chunk, answers for the others', async () => {
    const { repo } = repository(versions, (n) => n === 2);
    const answer = await service(repo).versionsOf(ids);
    expect(answer.size).toBe(VERSIONS_CHUNK + 10);
    for (const id of ids.slice(VERSIONS_CHUNK, 2 * VERSIONS_CHUNK)) expect(answer.has(id)).toBe(false);
    expect(answer.get(ids[ids.length - 1])).toBe(versions.get(ids[ids.length - 1]) ?? null);
  });

  it('rejects when no chunk could be read', async () => {
    const { repo } = repository(versions, () => true);
    await expect(service(repo).versionsOf(ids)).rejects.toThrow('Connection terminated unexpectedly');
  });

  it('asks nothing for no ids', async () => {
    const { repo, sizes } = repository(versions, () => true);
    expect((await service(repo).versionsOf([])).size).toBe(0);
    expect(sizes).toEqual([]);
  });
});
