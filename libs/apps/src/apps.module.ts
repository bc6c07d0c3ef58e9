import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@superflag/auth';
import { AppMember } from './app-member.entity';
import { App } from './app.entity';
import { AppStore } from './app.store';
import { AppsController } from './apps.controller';
import { AppsService } from './apps.service';
import { AuditEvent } from './audit-event.entity';
import { AuditLog } from './audit-log';
import { ManagementKey } from './management-key.entity';
import { ManagementKeyStore } from './management-key.store';
import { ManagementKeysController } from './management-keys.controller';
import { ManagementKeysService } from './management-keys.service';
import { MembersController } from './members.controller';
import { MemberStore } from './member.store';
import { MembersService } from './members.service';
import { MembershipCache } from './membership-cache';

/** Apps, who may act on them (members and the app's mgmt_ keys) and the audit of that access. */
@Module({
  imports: [TypeOrmModule.forFeature([App, AppMember, AuditEvent, ManagementKey]), AuthModule],
  controllers: [AppsController, MembersController, ManagementKeysController],
  providers: [AppsService, MembersService, MembershipCache, ManagementKeysService, ManagementKeyStore, AppStore, MemberStore, AuditLog],
  exports: [AppsService, AuditLog, MembershipCache],
})
export class AppsModule {}
