import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { CliToken } from './cli-token.entity';
import { LoginLimiter } from './login-limiter';
import { ManagementKey } from './management-key.entity';
import { User } from './user.entity';

/** Accounts, cli_ tokens, apps' mgmt_ keys and the global guard that authenticates every management route. */
@Module({
  imports: [TypeOrmModule.forFeature([User, CliToken, ManagementKey])],
  controllers: [AuthController],
  providers: [AuthService, LoginLimiter, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class AuthModule {}
