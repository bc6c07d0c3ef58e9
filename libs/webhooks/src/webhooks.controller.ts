import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, NEXT_CURSOR_DOC, PageQueryDto, SuccessDto } from '@superflag/core';
import type { Delivery } from './delivery.store';
import { CreatedWebhookDto, CreateWebhookDto, DeliveryDto, WebhookDto } from './dto/webhook.dto';
import { WEBHOOK_EVENTS } from './webhook-events';
import type { Webhook } from './webhook.store';
import { WebhooksService } from './webhooks.service';

export const webhookView = (w: Webhook) => ({
  id: w.id,
  url: w.url,
  events: w.events ?? [...WEBHOOK_EVENTS],
  createdAt: w.createdAt.toISOString(),
});

export const deliveryView = (d: Delivery) => {
  const last = d.attemptLog[d.attemptLog.length - 1];
  return {
    id: d.id,
    webhookId: d.webhookId,
    type: d.eventType,
    status: d.status,
    attemptCount: d.attempts,
    responseCode: last?.responseCode ?? null,
    durationMs: last?.durationMs ?? null,
    error: last?.error ?? null,
    nextAttemptAt: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    attempts: d.attemptLog,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
};

@ApiTags('Webhooks')
@Controller('api/v1/apps/:id/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @RequireScopes('apps:read')
  @ApiOperation({ summary: "List the app's webhooks (owner only; never their secrets)" })
  @ApiData(WebhookDto, { isArray: true })
  @ApiErrors(404)
  async list(@CurrentPrincipal() principal: Principal, @Param('id') appId: string) {
    return { data: (await this.webhooks.list(principal, appId)).map(webhookView) };
  }

  @Post()
  @RequireScopes('apps:write')
  @ApiOperation({
    summary:
      'Add a webhook to the app (owner only): every event it subscribes to is POSTed to its URL, signed per Standard Webhooks ' +
      '(webhook-id, webhook-timestamp, webhook-signature) and retried with backoff until a 2xx. The signing secret is returned only here',
  })
  @ApiData(CreatedWebhookDto, { status: 201 })
  @ApiErrors(400, 404, 409)
  async create(@CurrentPrincipal() principal: Principal, @Param('id') appId: string, @Body() body: CreateWebhookDto) {
    const { webhook, secret } = await this.webhooks.create(principal, appId, body);
    return { data: { ...webhookView(webhook), secret } };
  }

  @Delete(':webhookId')
  @RequireScopes('apps:write')
  @ApiOperation({ summary: 'Delete a webhook (owner only), with its pending and past deliveries' })
  @ApiData(SuccessDto)
  @ApiErrors(404)
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') appId: string, @Param('webhookId') webhookId: string) {
    await this.webhooks.delete(principal, appId, webhookId);
    return { data: { success: true } };
  }

  @Get(':webhookId/deliveries')
  @RequireScopes('apps:read')
  @ApiOperation({
    summary:
      "A webhook's deliveries with every attempt (status, response code, duration, error), newest first, 50 a page unless `limit` says otherwise",
  })
  @ApiData(DeliveryDto, { isArray: true, extra: NEXT_CURSOR_DOC })
  @ApiErrors(400, 404)
  async deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('id') appId: string,
    @Param('webhookId') webhookId: string,
    @Query() query: PageQueryDto,
  ) {
    const { items, nextCursor } = await this.webhooks.deliveriesOf(principal, appId, webhookId, query);
    return { data: items.map(deliveryView), nextCursor };
  }

  @Post(':webhookId/test')
  @RequireScopes('apps:write')
  @ApiOperation({ summary: 'Send the webhook a `webhook.test` delivery (owner only); returns it, pending: follow it in the deliveries' })
  @ApiData(DeliveryDto, { status: 201 })
  @ApiErrors(404)
  async test(@CurrentPrincipal() principal: Principal, @Param('id') appId: string, @Param('webhookId') webhookId: string) {
    return { data: deliveryView(await this.webhooks.sendTest(principal, appId, webhookId)) };
  }
}
