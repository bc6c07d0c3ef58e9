import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '@superflag/environments';
import { FlagsModule } from '@superflag/flags';
import { KeysModule } from '@superflag/keys';
import { QuotasModule } from '@superflag/quotas';
import { ConfigController } from './config.controller';
import { ConfigSnapshots } from './config-snapshots';
import { ConfigStreams } from './config-streams';
import { EvaluateController } from './evaluate.controller';
import { RuntimeKeyAuth } from './key-auth';
import { OfrepController } from './ofrep.controller';
import { RuntimeAccess } from './runtime-access';

/** The runtime side: what pub_/sdk_ keys read, from memory, with live updates. */
@Module({
  imports: [FlagsModule, KeysModule, EnvironmentsModule, QuotasModule],
  controllers: [ConfigController, EvaluateController, OfrepController],
  providers: [ConfigSnapshots, ConfigStreams, RuntimeKeyAuth, RuntimeAccess],
  exports: [ConfigSnapshots, ConfigStreams, RuntimeKeyAuth, RuntimeAccess],
})
export class RuntimeModule {}
