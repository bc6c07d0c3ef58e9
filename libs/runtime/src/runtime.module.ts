import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '@superflag/environments';
import { FlagsModule } from '@superflag/flags';
import { KeysModule } from '@superflag/keys';
import { QuotasModule } from '@superflag/quotas';
import { ConfigController } from './config.controller';
import { ConfigSnapshots } from './config-snapshots';
import { ConfigStreams } from './config-streams';
import { RuntimeKeyAuth } from './key-auth';

/** The runtime side: what pub_/sdk_ keys read, from memory, with live updates. */
@Module({
  imports: [FlagsModule, KeysModule, EnvironmentsModule, QuotasModule],
  controllers: [ConfigController],
  providers: [ConfigSnapshots, ConfigStreams, RuntimeKeyAuth],
  exports: [ConfigSnapshots, ConfigStreams, RuntimeKeyAuth],
})
export class RuntimeModule {}
