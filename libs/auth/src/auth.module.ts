import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, PASSWORD_PARAMS, PasswordHasher } from '@superflag/core';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { CliToken } from './cli-token.entity';
import { CliTokenStore } from './cli-token.store';
import { CredentialCache } from './credential-cache';
import { CredentialVerifier } from './credential-verifier';
import { LoginLimiter } from './login-limiter';
import { OperatorAuditEvent } from './operator-audit-event.entity';
import { OperatorStore } from './operator.store';
import { OperatorsController } from './operators.controller';
import { OperatorsService } from './operators.service';
import { TokensService } from './tokens.service';
import { User } from './user.entity';
import { UserStore } from './user.store';

/**
 * Accounts, cli_ tokens, the deployment's operators and the global guard that authenticates every management
 * route. Apps' mgmt_ keys are libs/apps'; it plugs their lookup into CredentialVerifier.
 */
@Module({
  imports: [TypeOrmModule.forFeature([User, CliToken, OperatorAuditEvent])],
  controllers: [AuthController, OperatorsController],
  providers: [
    AuthService,
    TokensService,
    OperatorsService,
    CredentialVerifier,
    CredentialCache,
    LoginLimiter,
    UserStore,
    CliTokenStore,
    OperatorStore,
    {
      provide: PasswordHasher,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new PasswordHasher({ ...PASSWORD_PARAMS, N: 2 ** config.PASSWORD_SCRYPT_LOG_N }),
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, OperatorsService, CredentialVerifier],
})
export class AuthModule {}
