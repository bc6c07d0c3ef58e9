import { Injectable } from '@nestjs/common';
import { type App, AppsService, eventActor } from '@superflag/apps';
import type { Principal } from '@superflag/auth';
import { DomainEvents, Transactions } from '@superflag/core';
import { EnvironmentsService } from './environments.service';

/**
 * Creating and deleting an app. Why here and not in libs/apps: an app must never exist without its default
 * environments, so they are created in the app's own transaction, and only a lib that sees both apps and
 * environments can do that without apps knowing of environments (no hooks registered into AppsService, no
 * cycle: environments → apps, one way). AppsService makes the app and its owner membership inside the
 * transaction this starts; the events go out once it committed.
 */
@Injectable()
export class AppLifecycle {
  constructor(
    private readonly transactions: Transactions,
    private readonly apps: AppsService,
    private readonly environments: EnvironmentsService,
    private readonly events: DomainEvents,
  ) {}

  /** A new app owned by the calling user, with its development, staging and production environments. */
  async create(principal: Principal, name: string): Promise<App> {
    const { app, environments } = await this.transactions.run(async (tx) => {
      const app = await this.apps.create(principal, name, tx);
      return { app, environments: await this.environments.createDefaults(app.id, tx) };
    });
    const actor = eventActor(principal);
    this.events.emit('app.created', { appId: app.id, name: app.name, ownerId: app.ownerId });
    for (const env of environments)
      this.events.emit('environment.created', { appId: app.id, environmentId: env.id, name: env.name, actor });
    return app;
  }

  /** Deletes an app (owners only) and everything in it. */
  async delete(principal: Principal, appId: string): Promise<void> {
    const environmentIds = await this.transactions.run(async (tx) => {
      // Locked (and authorised) first: an environment added meanwhile waits for this and then finds no app.
      await this.apps.authorizeLocked(principal, appId, 'manage', tx);
      const ids = await this.environments.idsOf(appId, tx);
      await this.apps.delete(principal, appId, tx);
      return ids;
    });
    this.events.emit('app.deleted', { appId, environmentIds, actor: eventActor(principal) });
  }
}
