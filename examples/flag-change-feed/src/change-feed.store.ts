import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Page, type PageRequest, toPage } from '@superflag/core';
import type { Repository } from 'typeorm';
import { ChangeFeedEntry, type FeedEvent } from './change-feed-entry.entity';

export type NewFeedEntry = Omit<ChangeFeedEntry, 'id'>;

/** Every query of the feed: the only file of this module that knows its table. */
@Injectable()
export class ChangeFeedStore {
  constructor(@InjectRepository(ChangeFeedEntry) private readonly entries: Repository<ChangeFeedEntry>) {}

  async append(entry: NewFeedEntry): Promise<void> {
    await this.entries.insert(entry);
  }

  /** One page of an app's entries of the given events, newest first; `page.after` holds the id of the previous page's last entry. */
  async page(appId: string, events: readonly FeedEvent[], page: PageRequest): Promise<Page<ChangeFeedEntry>> {
    const qb = this.entries
      .createQueryBuilder('entry')
      .where('entry.app_id = :appId', { appId })
      .andWhere('entry.event IN (:...events)', { events })
      .orderBy('entry.id', 'DESC')
      .limit(page.limit + 1);
    if (page.after) qb.andWhere('entry.id < CAST(:afterId AS bigint)', { afterId: page.after[0] });
    // String(): node-postgres hands a bigint over as a string, the embedded engine as a number.
    return toPage(await qb.getMany(), page.limit, (entry) => [String(entry.id)]);
  }
}
