import { Module } from '@nestjs/common';
import { AppsModule } from '@superflag/apps';
import { AuthModule } from '@superflag/auth';
import { EnvironmentsModule } from '@superflag/environments';
import { FlagsModule } from '@superflag/flags';
import { ReflagController } from './reflag.controller';
import { ReflagService } from './reflag.service';

/**
 * Reflag compatibility: Reflag's Management API at its paths under `/api` (what its CLI and SDK call), as an
 * adapter over the apps, environments and flags services. It owns no table and no rule of its own.
 */
@Module({
  imports: [AuthModule, AppsModule, EnvironmentsModule, FlagsModule],
  controllers: [ReflagController],
  providers: [ReflagService],
  exports: [ReflagService],
})
export class ReflagModule {}
