import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '@superflag/core';
import { APP_ROLES, type AppRole } from '../app-rights';

const ROLE_DOC = {
  enum: APP_ROLES,
  example: 'editor',
  description: 'owner: everything; editor: flags, targets, runtime keys, rollback; viewer: read only',
};
const ROLE_MESSAGE = `role must be one of: ${APP_ROLES.join(', ')}`;

export class AddMemberDto {
  @ApiProperty({ example: 'grace@example.com', maxLength: 254, description: 'An existing account' })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email!: string;

  @ApiProperty(ROLE_DOC)
  @IsIn(APP_ROLES, { message: ROLE_MESSAGE })
  role!: AppRole;
}

export class MemberRoleDto {
  @ApiProperty(ROLE_DOC)
  @IsIn(APP_ROLES, { message: ROLE_MESSAGE })
  role!: AppRole;
}

export class MemberListQueryDto extends PageQueryDto {}

export class MemberDto {
  @ApiProperty({ example: 'usr_Lp3RtV7w8fK2mQ9x' }) userId!: string;
  @ApiProperty({ example: 'grace@example.com' }) email!: string;
  @ApiProperty({ enum: APP_ROLES, example: 'editor' }) role!: string;
  @ApiProperty({ format: 'date-time', description: 'When they became a member' }) createdAt!: string;
}
