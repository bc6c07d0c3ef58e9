import { ApiProperty } from '@nestjs/swagger';
import { FEED_EVENTS } from '../change-feed-entry.entity';

export class FeedActorDto {
  @ApiProperty({ enum: ['user', 'management_key'], example: 'user' }) type!: string;
  @ApiProperty({ example: 'usr_8fK2mQ9xLp3RtV7w', description: "The user's id, or the mgmt_ key's" }) id!: string;
}

export class ChangeFeedEntryDto {
  @ApiProperty({ example: 1042, description: 'Increases with every entry' }) id!: number;
  @ApiProperty({ enum: FEED_EVENTS, example: 'flag.changed' }) event!: string;
  @ApiProperty({ example: 'env_Qx7Lp3RtV8fK2mW9' }) environmentId!: string;
  @ApiProperty({ type: FeedActorDto, nullable: true }) actor!: FeedActorDto | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { version: 8, kind: 'update', keys: ['new-checkout'], description: null },
    description: 'flag.changed: version, kind, keys, description; key.revoked: keyId',
  })
  details!: Record<string, unknown>;
  @ApiProperty({ example: '2026-12-02T09:30:00.000Z', format: 'date-time' }) at!: string;
}
