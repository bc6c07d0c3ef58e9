export * from './webhooks.module';
export { WebhooksService } from './webhooks.service';
export { WEBHOOK_EVENTS, TEST_EVENT, type WebhookPayload } from './webhook-events';
export { forbiddenAddressReason } from './address-rules';
