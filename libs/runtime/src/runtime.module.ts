import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '@superflag/environments';
import { KeysModule } from '@superflag/keys';
import { QuotasModule } from '@superflag/quotas';
import { ConfigController } from './config.controller';
import { ConfigFastLane } from './config-fast-lane';
import { EvaluationFastLane } from './evaluation-fast-lane';
import { ConfigSnapshots } from './config-snapshots';
import { ConfigStreams } from './config-streams';
import { EnvironmentReadModel } from './environment-read-model';
import { EvaluateController } from './evaluate.controller';
import { RuntimeKeyAuth } from './key-auth';
import { OfrepController } from './ofrep.controller';
import { OfrepBulk } from './ofrep-bulk';
import { OfrepStreamTokens } from './ofrep-stream-tokens';
import { RuntimeAccess } from './runtime-access';
import { SnapshotEvents } from './snapshot-events';

/**
 * The runtime side: what pub_/sdk_ keys read, from memory, with live updates. Snapshots are loaded by its own
 * read model of the flags tables and refreshed on `flag.changed` (DomainEvents) and `flags-changed` (ClusterBus).
 */
@Module({
  imports: [KeysModule, EnvironmentsModule, QuotasModule],
  controllers: [ConfigController, EvaluateController, OfrepController],
  providers: [
    EnvironmentReadModel,
    SnapshotEvents,
    ConfigSnapshots,
    ConfigStreams,
    RuntimeKeyAuth,
    RuntimeAccess,
    ConfigFastLane,
    EvaluationFastLane,
    OfrepBulk,
    OfrepStreamTokens,
  ],
  exports: [ConfigSnapshots, ConfigStreams, RuntimeKeyAuth, RuntimeAccess],
})
export class RuntimeModule {}
