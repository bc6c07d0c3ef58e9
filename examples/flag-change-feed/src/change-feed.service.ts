import { Injectable } from '@nestjs/common';
import { AppsService } from '@superflag/apps';
import type { Principal } from '@superflag/auth';
import { type Page, type PageQueryDto, pageRequest } from '@superflag/core';
import { ChangeFeedEntry, type FeedEvent } from './change-feed-entry.entity';
import { ChangeFeedStore } from './change-feed.store';

export const FEED_PAGE_DEFAULT = 50;

/**
 * What a credential may read of the feed. The route needs `flags:read`; key revocations are shown only to
 * credentials that may also read keys, as the project's own key routes require.
 */
export function visibleEvents(scopes: ReadonlySet<string>): FeedEvent[] {
  return scopes.has('keys:read') ? ['flag.changed', 'key.revoked'] : ['flag.changed'];
}

@Injectable()
export class ChangeFeedService {
  constructor(
    private readonly apps: AppsService,
    private readonly store: ChangeFeedStore,
  ) {}

  /** One page of an app's feed, newest first. Another tenant's app is a 404, as everywhere. */
  async read(principal: Principal, appId: string, query: PageQueryDto): Promise<Page<ChangeFeedEntry>> {
    await this.apps.authorize(principal, appId, 'read');
    const page = pageRequest(query, ['digits'], FEED_PAGE_DEFAULT) ?? { limit: FEED_PAGE_DEFAULT };
    return this.store.page(appId, visibleEvents(principal.scopes), page);
  }
}
