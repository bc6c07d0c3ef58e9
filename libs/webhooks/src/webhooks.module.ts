import { Module } from '@nestjs/common';
import { AppsModule } from '@superflag/apps';
import { DeliveryWorker } from './delivery-worker';
import { DeliveryStore } from './delivery.store';
import { UrlPolicy } from './url-policy';
import { WebhookRelay } from './webhook-relay';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookStore } from './webhook.store';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Outgoing webhooks, built only on what extensions get (docs/extending.md): the domain events (WebhookRelay),
 * AppsService.authorize, the shared guard and scopes, and tables of its own (migrations/1764000900000-webhooks.ts).
 * Deliveries are durable: written to an outbox in PostgreSQL and sent by the DeliveryWorker of every replica.
 */
@Module({
  imports: [AppsModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookStore, DeliveryStore, WebhookSecrets, UrlPolicy, DeliveryWorker, WebhookRelay],
  exports: [WebhooksService],
})
export class WebhooksModule {}
