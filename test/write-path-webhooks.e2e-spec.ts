import { DataSource } from 'typeorm';
import { WebhookSubscriptions } from '../libs/webhooks/src/webhook-subscriptions';
import { replicasPerSuite, type TestApp } from './support/app';
import { aFlag, anApp, aUser, type TestAppRecord, type TestUser } from './support/factories';
import { until } from './support/poll';

/**
 * Each replica remembers which webhooks an app has (WebhookSubscriptions), so a flag write costs no webhook
 * query. What it remembers must never cost a delivery: creating or deleting a webhook on one replica is known
 * to every replica before the API answers.
 */
describe('webhook subscriptions remembered per replica', () => {
  const settings = {
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_SECRET_KEY: 'webhook-test-key-of-at-least-32-characters',
    WEBHOOK_POLL_MS: '60000',
  };
  const [a, b] = replicasPerSuite(2, settings);

  const createHook = async (t: TestApp, user: TestUser, app: TestAppRecord, events?: string[]) =>
    (
      await t
        .http()
        .post(`/api/v1/apps/${app.id}/webhooks`)
        .set(user.auth)
        // Nothing listens there: the deliveries stay in the outbox, which is what this test reads.
        .send({ url: 'http://127.0.0.1:9/hook', ...(events ? { events } : {}) })
        .expect(201)
    ).body.data.id as string;
  const deliveryVersions = async (hookId: string) =>
    (
      (await a.app
        .get(DataSource)
        .query(`SELECT payload FROM webhook_deliveries WHERE webhook_id = $1 AND event_type = 'flag.changed'`, [hookId])) as Array<{
        payload: string;
      }>
    )
      .map((r) => (JSON.parse(r.payload) as { data: { version: number } }).data.version)
      .sort((x, y) => x - y);

  it('delivers a write made on A right after B created the webhook, though A remembered the app had none', async () => {
    const user = await aUser(a);
    const app = await anApp(a, user);
    await aFlag(a, user, app); // A now remembers: no webhooks
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await a.app.get(WebhookSubscriptions).receiving(app.id, 'flag.changed')).toEqual([]);

    const hookId = await createHook(b, user, app, ['flag.changed']);
    const { version } = await aFlag(a, user, app);
    const seen = await until(
      () => deliveryVersions(hookId),
      (v) => v.length >= 1,
      5_000,
    );
    expect(seen).toEqual([version]);
    expect(await a.app.get(WebhookSubscriptions).receiving(app.id, 'flag.changed')).toEqual([hookId]);
  });

  it('forgets on every replica a webhook deleted on one, and keeps delivering to the others', async () => {
    const user = await aUser(a);
    const app = await anApp(a, user);
    const kept = await createHook(a, user, app);
    const gone = await createHook(a, user, app, ['flag.changed']);
    expect(await b.app.get(WebhookSubscriptions).receiving(app.id, 'flag.changed')).toEqual([kept, gone]);
    expect(await b.app.get(WebhookSubscriptions).receiving(app.id, 'key.created')).toEqual([kept]);

    await a.http().delete(`/api/v1/apps/${app.id}/webhooks/${gone}`).set(user.auth).expect(200);
    expect(await b.app.get(WebhookSubscriptions).receiving(app.id, 'flag.changed')).toEqual([kept]);
    const { version } = await aFlag(b, user, app);
    const seen = await until(
      () => deliveryVersions(kept),
      (v) => v.length >= 1,
      5_000,
    );
    expect(seen).toEqual([version]);
  });

  it('delivers on the replica that created the webhook too, and names the environment of a flag change', async () => {
    const user = await aUser(a);
    const app = await anApp(a, user);
    await aFlag(a, user, app, 'staging');
    const hookId = await createHook(a, user, app);
    const { version } = await aFlag(a, user, app, 'staging');
    const rows = await until(
      async () =>
        (await a.app
          .get(DataSource)
          .query(`SELECT payload FROM webhook_deliveries WHERE webhook_id = $1 AND event_type = 'flag.changed'`, [hookId])) as Array<{
          payload: string;
        }>,
      (r) => r.length >= 1,
      5_000,
    );
    expect(rows.map((r) => JSON.parse(r.payload).data)).toEqual([expect.objectContaining({ environmentName: 'staging', version })]);
  });
});
