import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnonymousBurstLimit, ApiData, ApiErrors, Public, SuccessDto } from '@superflag/core';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, RequireUser } from './auth.decorators';
import { AuthService, IssuedToken } from './auth.service';
import type { CliToken } from './cli-token.entity';
import { CreatedTokenDto, CreateTokenDto, CredentialsDto, MeDto, SessionDto, TokenDto } from './dto/auth.dto';
import type { UserPrincipal } from './principal';
import type { User } from './user.entity';

const userView = (u: User) => ({ id: u.id, email: u.email, createdAt: u.createdAt.toISOString() });
const tokenView = (t: CliToken) => ({
  id: t.id, name: t.name, scopes: t.scopes, createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null, lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
});
const sessionView = (s: { user: User } & IssuedToken) => ({ data: { user: userView(s.user), token: s.secret } });

@ApiTags('Auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @AnonymousBurstLimit()
  @Post('signup')
  @ApiOperation({ summary: 'Create an account and get a cli_ token with every scope' })
  @ApiData(SessionDto, { status: 201 })
  @ApiErrors(400, 403, 409, 413)
  async signup(@Body() body: CredentialsDto) {
    return sessionView(await this.auth.signup(body.email, body.password));
  }

  @Public()
  @AnonymousBurstLimit()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for a new cli_ token (throttled per email and per IP)' })
  @ApiData(SessionDto)
  @ApiErrors(400, 401, 429)
  async login(@Body() body: CredentialsDto, @Req() req: FastifyRequest) {
    return sessionView(await this.auth.login(body.email, body.password, req.ip));
  }

  @Get('me')
  @RequireUser()
  @ApiOperation({ summary: 'The calling user and the scopes of the calling token (cli_ tokens only)' })
  @ApiData(MeDto)
  async me(@CurrentUser() principal: UserPrincipal) {
    const { user, scopes } = await this.auth.me(principal);
    return { data: { user: userView(user), scopes } };
  }

  @Post('logout')
  @HttpCode(200)
  @RequireUser()
  @ApiOperation({ summary: 'Revoke the calling token' })
  @ApiData(SuccessDto)
  async logout(@CurrentUser() principal: UserPrincipal) {
    await this.auth.logout(principal);
    return { data: { success: true } };
  }

  @Get('tokens')
  @RequireUser()
  @ApiOperation({ summary: "List the caller's active cli_ tokens (never their secrets)" })
  @ApiData(TokenDto, { isArray: true })
  async listTokens(@CurrentUser() principal: UserPrincipal) {
    return { data: (await this.auth.listTokens(principal)).map(tokenView) };
  }

  @Post('tokens')
  @RequireUser()
  @ApiOperation({ summary: 'Create a cli_ token (e.g. for CI); the secret is returned only once' })
  @ApiData(CreatedTokenDto, { status: 201 })
  @ApiErrors(400, 403)
  async createToken(@CurrentUser() principal: UserPrincipal, @Body() body: CreateTokenDto) {
    const { token, secret } = await this.auth.createToken(principal, body.name, body.scopes, body.expiresAt);
    return { data: { ...tokenView(token), token: secret } };
  }

  @Delete('tokens/:id')
  @RequireUser()
  @ApiOperation({ summary: 'Revoke one of your tokens; it stops working on the next request' })
  @ApiData(SuccessDto)
  @ApiErrors(404)
  async revokeToken(@CurrentUser() principal: UserPrincipal, @Param('id') id: string) {
    await this.auth.revokeToken(principal, id);
    return { data: { success: true } };
  }
}
