import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '@superflag/environments';
import { ChangesController } from './changes.controller';
import { FlagChange } from './flag-change.entity';
import { FlagTarget } from './flag-target.entity';
import { Flag } from './flag.entity';
import { FlagsController } from './flags.controller';
import { FlagsService } from './flags.service';
import { TargetsController } from './targets.controller';

/** Typed flags per environment, versioned writes and their change history. */
@Module({
  imports: [TypeOrmModule.forFeature([Flag, FlagChange, FlagTarget]), EnvironmentsModule],
  controllers: [FlagsController, ChangesController, TargetsController],
  providers: [FlagsService],
  exports: [FlagsService],
})
export class FlagsModule {}
