import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnonymousBurstLimit, ApiData, ApiErrors, PageQueryDto, pageRequest, Public, QuotaExempt, SuccessDto } from '@superflag/core';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, RequireUser } from './auth.decorators';
import { AuthService, type Session } from './auth.service';
import type { CliToken } from './cli-token.entity';
import {
  ChangePasswordDto,
  CreatedTokenDto,
  CreateTokenDto,
  CredentialsDto,
  MeDto,
  RevokeAllTokensDto,
  RevokedTokensDto,
  SessionDto,
  TokenDto,
} from './dto/auth.dto';
import type { UserPrincipal } from './principal';
import { TOKEN_CURSOR, TokensService } from './tokens.service';
import type { User } from './user.entity';

const userView = (u: User) => ({ id: u.id, email: u.email, createdAt: u.createdAt.toISOString() });
const tokenView = (t: CliToken) => ({
  id: t.id,
  name: t.name,
  scopes: t.scopes,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
});
const sessionView = (s: Session) => ({
  data: { user: userView(s.user), token: s.secret, expiresAt: s.token.expiresAt?.toISOString() ?? null },
});

@ApiTags('Auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokensService,
  ) {}

  @Public()
  @AnonymousBurstLimit()
  @Post('signup')
  @ApiOperation({
    summary: 'Create an account and get a cli_ session token with every scope (expires after LOGIN_TOKEN_TTL_DAYS without use)',
  })
  @ApiData(SessionDto, { status: 201 })
  @ApiErrors(400, 403, 409, 413)
  async signup(@Body() body: CredentialsDto) {
    return sessionView(await this.auth.signup(body.email, body.password));
  }

  @Public()
  @AnonymousBurstLimit()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Exchange email and password for a new cli_ session token (throttled per email and per IP); at LIMIT_TOKENS_PER_USER, ' +
      "the user's least recently used session is revoked to make room",
  })
  @ApiData(SessionDto)
  @ApiErrors(400, 401, 409, 429)
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

  @Post('password')
  @HttpCode(200)
  @RequireUser()
  @ApiOperation({ summary: "Change the caller's password; every other token of theirs is revoked (the calling one keeps working)" })
  @ApiData(RevokedTokensDto)
  @ApiErrors(400, 429)
  async changePassword(@CurrentUser() principal: UserPrincipal, @Body() body: ChangePasswordDto, @Req() req: FastifyRequest) {
    return { data: { revoked: await this.auth.changePassword(principal, body.currentPassword, body.newPassword, req.ip) } };
  }

  @Get('tokens')
  @RequireUser('tokens:write')
  @ApiOperation({ summary: "List the caller's active cli_ tokens (never their secrets), newest first; page with `limit` and `cursor`" })
  @ApiData(TokenDto, {
    isArray: true,
    extra: {
      nextCursor: { type: 'string', nullable: true, description: 'Only with `limit` or `cursor`: the next page, null on the last' },
    },
  })
  @ApiErrors(400)
  async listTokens(@CurrentUser() principal: UserPrincipal, @Query() query: PageQueryDto) {
    const page = pageRequest(query, TOKEN_CURSOR);
    const { items, nextCursor } = await this.tokens.list(principal, page);
    return page ? { data: items.map(tokenView), nextCursor } : { data: items.map(tokenView) };
  }

  @Post('tokens')
  @RequireUser('tokens:write')
  @ApiOperation({
    summary: "Create a cli_ token (e.g. for CI) within the calling token's scopes and expiry; the secret is returned only once",
  })
  @ApiData(CreatedTokenDto, { status: 201 })
  @ApiErrors(400, 409)
  async createToken(@CurrentUser() principal: UserPrincipal, @Body() body: CreateTokenDto) {
    const { token, secret } = await this.tokens.create(principal, body.name, body.scopes, body.expiresAt);
    return { data: { ...tokenView(token), token: secret } };
  }

  @Post('tokens/revoke-all')
  @HttpCode(200)
  @RequireUser('tokens:write')
  @QuotaExempt()
  @ApiOperation({ summary: 'Revoke every token of the caller, the calling one included unless `keepCurrent` is true' })
  @ApiData(RevokedTokensDto)
  @ApiErrors(400)
  async revokeAll(@CurrentUser() principal: UserPrincipal, @Body() body: RevokeAllTokensDto) {
    return { data: { revoked: await this.tokens.revokeAll(principal, body.keepCurrent ?? false) } };
  }

  @Delete('tokens/:id')
  @RequireUser('tokens:write')
  @QuotaExempt()
  @ApiOperation({ summary: 'Revoke one of your tokens; it stops working on the next request' })
  @ApiData(SuccessDto)
  @ApiErrors(404)
  async revokeToken(@CurrentUser() principal: UserPrincipal, @Param('id') id: string) {
    await this.tokens.revoke(principal, id);
    return { data: { success: true } };
  }
}
