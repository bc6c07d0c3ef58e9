import type { ChangeFeedEntry } from '../src/change-feed-entry.entity';
import { feedEntryView, visibleEvents } from '../src/index';

const entry = (overrides: Partial<ChangeFeedEntry> = {}): ChangeFeedEntry => ({
  id: '42',
  appId: 'app_1',
  environmentId: 'env_1',
  event: 'flag.changed',
  details: { version: 3, kind: 'update', keys: ['checkout'], description: null },
  actorType: 'user',
  actorId: 'usr_1',
  occurredAt: new Date('2026-12-02T09:30:00.000Z'),
  ...overrides,
});

describe('flag change feed', () => {
  it('shows key revocations only to credentials that may read keys', () => {
    expect(visibleEvents(new Set(['flags:read']))).toEqual(['flag.changed']);
    expect(visibleEvents(new Set(['flags:read', 'keys:read']))).toEqual(['flag.changed', 'key.revoked']);
  });

  it('answers an entry with its actor, details and time, never its app id (the caller asked by app)', () => {
    expect(feedEntryView(entry())).toEqual({
      id: 42,
      event: 'flag.changed',
      environmentId: 'env_1',
      actor: { type: 'user', id: 'usr_1' },
      details: { version: 3, kind: 'update', keys: ['checkout'], description: null },
      at: '2026-12-02T09:30:00.000Z',
    });
  });

  it('answers a change nobody is known to have made with a null actor', () => {
    expect(feedEntryView(entry({ actorType: null, actorId: null })).actor).toBeNull();
  });
});
