import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiData, ApiErrors, SuccessDto } from '@superflag/core';
import { CurrentUser, RequireUser } from './auth.decorators';
import { GrantOperatorDto, OperatorAuditEventDto, OperatorDto } from './dto/auth.dto';
import type { OperatorAuditEvent } from './operator-audit-event.entity';
import { OperatorsService } from './operators.service';
import type { UserPrincipal } from './principal';
import type { User } from './user.entity';

const operatorView = (u: User) => ({ id: u.id, email: u.email, createdAt: u.createdAt.toISOString() });
const auditView = (e: OperatorAuditEvent) => ({
  id: Number(e.id),
  action: e.action,
  userId: e.userId,
  email: e.email,
  actorUserId: e.actorUserId,
  actorTokenId: e.actorTokenId,
  details: e.details,
  createdAt: e.createdAt.toISOString(),
});

/** The deployment's operators (who may change plans): operators only, with a cli_ token. */
@ApiTags('Operators')
@Controller('api/v1/operators')
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @Get()
  @RequireUser('apps:read')
  @ApiOperation({ summary: 'List the operators (operators only)' })
  @ApiData(OperatorDto, { isArray: true })
  async list(@CurrentUser() principal: UserPrincipal) {
    return { data: (await this.operators.list(principal)).map(operatorView) };
  }

  @Post()
  @RequireUser('apps:write')
  @ApiOperation({ summary: "Make an existing account an operator (operators only; recorded in the operators' audit)" })
  @ApiData(OperatorDto, { status: 201 })
  @ApiErrors(400, 404, 409)
  async grant(@CurrentUser() principal: UserPrincipal, @Body() body: GrantOperatorDto) {
    return { data: operatorView(await this.operators.grant(principal, body.email)) };
  }

  @Get('audit')
  @RequireUser('apps:read')
  @ApiOperation({ summary: 'The last 100 grants and withdrawals of operator rights, newest first (operators only)' })
  @ApiData(OperatorAuditEventDto, { isArray: true })
  async audit(@CurrentUser() principal: UserPrincipal) {
    return { data: (await this.operators.audit(principal)).map(auditView) };
  }

  @Delete(':userId')
  @RequireUser('apps:write')
  @ApiOperation({ summary: "Withdraw an account's operator rights (operators only; never the last operator; recorded)" })
  @ApiData(SuccessDto)
  @ApiErrors(400, 404)
  async revoke(@CurrentUser() principal: UserPrincipal, @Param('userId') userId: string) {
    await this.operators.revoke(principal, userId);
    return { data: { success: true } };
  }
}
