import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '@superflag/apps';
import { EnvironmentsModule } from '@superflag/environments';
import { ApiKey } from './api-key.entity';
import { ApiKeyStore } from './api-key.store';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';

/** pub_/sdk_ runtime keys: management routes and the cached verification the runtime API uses. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey]), AppsModule, EnvironmentsModule],
  controllers: [KeysController],
  providers: [KeysService, ApiKeyStore],
  exports: [KeysService],
})
export class KeysModule {}
