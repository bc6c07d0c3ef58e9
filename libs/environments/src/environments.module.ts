import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '@superflag/apps';
import { AppLifecycleController } from './app-lifecycle.controller';
import { AppLifecycle } from './app-lifecycle.service';
import { Environment } from './environment.entity';
import { EnvironmentStore } from './environment.store';
import { EnvironmentsController } from './environments.controller';
import { EnvironmentsService } from './environments.service';

/** Environments of apps, and the creation and deletion of apps with them (AppLifecycle). */
@Module({
  imports: [TypeOrmModule.forFeature([Environment]), AppsModule],
  controllers: [AppLifecycleController, EnvironmentsController],
  providers: [EnvironmentsService, EnvironmentStore, AppLifecycle],
  exports: [EnvironmentsService],
})
export class EnvironmentsModule {}
