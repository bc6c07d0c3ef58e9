import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { defaultKeyMaterial, KEY_FILE, newSigningSecret, SecretBox } from '../src/secret-box';
import { validEvents } from '../src/webhooks.service';
import { signedHeaders } from '../src/webhook-sender';
import { eventData, subscribes, WEBHOOK_EVENTS } from '../src/webhook-events';

describe('webhook signing secrets at rest', () => {
  const box = new SecretBox('a key of thirty-two characters or more!');

  it('encrypts, and decrypts only with the same key and for the same webhook', () => {
    const secret = newSigningSecret();
    const sealed = box.seal(secret, 'whk_1');
    expect(sealed).not.toContain(secret.slice(6));
    expect(box.open(sealed, 'whk_1')).toBe(secret);
    expect(box.open(sealed, 'whk_2')).toBeNull();
    expect(new SecretBox('another key of thirty-two characters!!').open(sealed, 'whk_1')).toBeNull();
    expect(box.open('garbage', 'whk_1')).toBeNull();
    expect(box.seal(secret, 'whk_1')).not.toBe(sealed);
    // The ciphertext names its key, so replicas claim only what they can sign.
    expect(sealed.split(':').slice(0, 2)).toEqual(['v1', box.keyId]);
    expect(box.keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(new SecretBox('another key of thirty-two characters!!').keyId).not.toBe(box.keyId);
  });

  it('makes Standard Webhooks secrets (whsec_ + 32 random bytes) that standardwebhooks verifies with', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: {} });
    const headers = signedHeaders(secret, 'msg_1', new Date(), body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow('No matching signature found');
  });

  it('keeps a generated key in DATA_DIR for the embedded engine, none with PostgreSQL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-key-'));
    try {
      const first = defaultKeyMaterial({ DATA_DIR: dir });
      expect(first).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(defaultKeyMaterial({ DATA_DIR: dir })).toBe(first);
      expect(readFileSync(join(dir, KEY_FILE), 'utf8').trim()).toBe(first);
      expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(defaultKeyMaterial({ DATA_DIR: 'memory://' })).not.toBe(defaultKeyMaterial({ DATA_DIR: 'memory://' }));
    expect(defaultKeyMaterial({ DATA_DIR: './.data', DATABASE_URL: 'postgres://x/y' })).toBeNull();
  });
});

describe('webhook events', () => {
  it('takes known event names, every event when none are given, and refuses unknown ones', () => {
    expect(validEvents(undefined)).toBeNull();
    expect(validEvents(['key.revoked', 'flag.changed'])).toEqual(['flag.changed', 'key.revoked']);
    expect(() => validEvents([])).toThrow('events must name at least one event');
    expect(() => validEvents(['flag.changed', 'flag.exploded'])).toThrow('Unknown event "flag.exploded"');
    expect(WEBHOOK_EVENTS).toContain('flag.changed');
  });

  it('says which webhooks receive an event; the test event reaches the webhook it is sent to', () => {
    expect(subscribes(null, 'member.added')).toBe(true);
    expect(subscribes(['flag.changed'], 'member.added')).toBe(false);
    expect(subscribes(['flag.changed'], 'webhook.test')).toBe(true);
  });

  it("gives flag.changed's delivery the environment's name beside the event's facts", () => {
    const payload = {
      appId: 'app_1',
      environmentId: 'env_1',
      version: 3,
      keys: ['a'],
      kind: 'update' as const,
      actor: { type: 'user' as const, id: 'usr_1' },
      description: null,
    };
    expect(eventData({ name: 'flag.changed', payload }, { environmentName: 'production' })).toEqual({
      ...payload,
      environmentName: 'production',
    });
    expect(eventData({ name: 'key.revoked', payload: { appId: 'app_1', environmentId: 'env_1', keyId: 'key_1', actor: null } })).toEqual({
      appId: 'app_1',
      environmentId: 'env_1',
      keyId: 'key_1',
      actor: null,
    });
  });
});
