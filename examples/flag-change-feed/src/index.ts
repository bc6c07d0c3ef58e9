import type { ApiExtension } from '../../../apps/api/src/app.module';
import { FlagChangeFeedModule } from './flag-change-feed.module';
import { ChangeFeed1796170320265 } from './migrations/1796170320265-change-feed';

export { FlagChangeFeedModule } from './flag-change-feed.module';
export { feedEntryView } from './change-feed.controller';
export { visibleEvents } from './change-feed.service';

/** What a deployment passes to createApp: the module and the migrations that create its table. */
export const flagChangeFeed: ApiExtension = { module: FlagChangeFeedModule, migrations: [ChangeFeed1796170320265] };
