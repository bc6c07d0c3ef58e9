import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '@superflag/apps';
import { ChangeFeedEntry } from './change-feed-entry.entity';
import { ChangeFeedController } from './change-feed.controller';
import { ChangeFeedRecorder } from './change-feed.recorder';
import { ChangeFeedService } from './change-feed.service';
import { ChangeFeedStore } from './change-feed.store';

/**
 * A per-app feed of flag changes and key revocations, written from the domain events. Imports AppsModule for
 * AppsService.authorize (membership, roles, another tenant's app → 404); DomainEvents and Clock come from the
 * global CoreModule; the global auth guard already stands in front of its route.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ChangeFeedEntry]), AppsModule],
  controllers: [ChangeFeedController],
  providers: [ChangeFeedStore, ChangeFeedService, ChangeFeedRecorder],
})
export class FlagChangeFeedModule {}
