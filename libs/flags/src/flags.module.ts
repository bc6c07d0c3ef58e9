import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '@superflag/environments';
import { ChangesController } from './changes.controller';
import { FlagChange } from './flag-change.entity';
import { FlagChangeStore } from './flag-change.store';
import { FlagTarget } from './flag-target.entity';
import { FlagTargetStore } from './flag-target.store';
import { Flag } from './flag.entity';
import { FlagStore } from './flag.store';
import { FlagsController } from './flags.controller';
import { FlagsService } from './flags.service';
import { HistoryService } from './history.service';
import { TargetsController } from './targets.controller';
import { TargetsService } from './targets.service';
import { VersionedWrite } from './versioned-write';

/**
 * Typed flags per environment, versioned writes and their change history. Every committed write is announced
 * as `flag.changed` on DomainEvents (see VersionedWrite); the runtime reads the tables through its own read model.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Flag, FlagChange, FlagTarget]), EnvironmentsModule],
  controllers: [FlagsController, ChangesController, TargetsController],
  providers: [FlagStore, FlagTargetStore, FlagChangeStore, VersionedWrite, FlagsService, TargetsService, HistoryService],
  exports: [FlagsService, TargetsService],
})
export class FlagsModule {}
