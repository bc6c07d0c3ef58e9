import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, CREATED_CURSOR, listBody, NEXT_CURSOR_DOC, pageRequest, SuccessDto } from '@superflag/core';
import { AddMemberDto, MemberDto, MemberListQueryDto, MemberRoleDto } from './dto/member.dto';
import { type MemberWithEmail, MembersService } from './members.service';

const memberView = ({ member, email }: MemberWithEmail) => ({
  userId: member.userId,
  email,
  role: member.role,
  createdAt: member.createdAt.toISOString(),
});

@ApiTags('Members')
@Controller('api/v1/apps/:id/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @RequireScopes('apps:read')
  @ApiOperation({
    summary: "List the app's members and their roles (owner only), in the order they joined; with `limit` or `cursor`, one page",
  })
  @ApiData(MemberDto, { isArray: true, extra: NEXT_CURSOR_DOC })
  @ApiErrors(400, 404)
  async list(@CurrentPrincipal() principal: Principal, @Param('id') appId: string, @Query() query: MemberListQueryDto) {
    const page = pageRequest(query, CREATED_CURSOR);
    const { items, nextCursor } = await this.members.list(principal, appId, page);
    return listBody(page, items.map(memberView), nextCursor);
  }

  @Post()
  @RequireScopes('apps:write')
  @ApiOperation({ summary: 'Add an existing user to the app by email, as owner, editor or viewer (owner only)' })
  @ApiData(MemberDto, { status: 201 })
  @ApiErrors(400, 404, 409)
  async add(@CurrentPrincipal() principal: Principal, @Param('id') appId: string, @Body() body: AddMemberDto) {
    return { data: memberView(await this.members.add(principal, appId, body.email, body.role)) };
  }

  @Patch(':userId')
  @RequireScopes('apps:write')
  @ApiOperation({ summary: "Change a member's role (owner only); the last owner cannot be demoted" })
  @ApiData(MemberDto)
  @ApiErrors(400, 404)
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') appId: string,
    @Param('userId') userId: string,
    @Body() body: MemberRoleDto,
  ) {
    return { data: memberView(await this.members.updateRole(principal, appId, userId, body.role)) };
  }

  @Delete(':userId')
  @RequireScopes('apps:write')
  @ApiOperation({ summary: 'Remove a member (owner only); the last owner cannot be removed' })
  @ApiData(SuccessDto)
  @ApiErrors(400, 404)
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') appId: string, @Param('userId') userId: string) {
    await this.members.remove(principal, appId, userId);
    return { data: { success: true } };
  }
}
