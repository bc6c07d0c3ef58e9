import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { CliToken } from './cli-token.entity';
import { CredentialCache } from './credential-cache';
import { LoginLimiter } from './login-limiter';
import { ManagementKey } from './management-key.entity';
import { OperatorAuditEvent } from './operator-audit-event.entity';
import { OperatorsController } from './operators.controller';
import { OperatorsService } from './operators.service';
import { TokensService } from './tokens.service';
import { User } from './user.entity';

/** Accounts, cli_ tokens, apps' mgmt_ keys, the deployment's operators and the global guard that authenticates every management route. */
@Module({
  imports: [TypeOrmModule.forFeature([User, CliToken, ManagementKey, OperatorAuditEvent])],
  controllers: [AuthController, OperatorsController],
  providers: [AuthService, TokensService, OperatorsService, CredentialCache, LoginLimiter, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, OperatorsService],
})
export class AuthModule {}
