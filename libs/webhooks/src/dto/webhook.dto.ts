import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';
import { WEBHOOK_URL_MAX_LENGTH } from '../address-rules';
import { TEST_EVENT, WEBHOOK_EVENTS } from '../webhook-events';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://hooks.example.com/superflag',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
    description:
      'Where deliveries are POSTed: http or https, no credentials, a host resolving to public addresses only (unless the server sets WEBHOOK_ALLOW_PRIVATE=true). Redirects are not followed',
  })
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url!: string;

  @ApiPropertyOptional({
    enum: WEBHOOK_EVENTS,
    isArray: true,
    example: ['flag.changed'],
    description: 'The events to receive; leave it out for every event (including events added later)',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  events?: string[];
}

export class WebhookDto {
  @ApiProperty({ example: 'whk_3kP9sLmQ2xVb7RtZ' }) id!: string;
  @ApiProperty({ example: 'https://hooks.example.com/superflag' }) url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true, description: 'The events it receives (every event when none were given)' })
  events!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The Standard Webhooks signing secret that verifies deliveries. Returned only once, here',
  })
  secret!: string;
}

export class DeliveryAttemptDto {
  @ApiProperty({ example: 1, description: '1 for the first attempt' }) attempt!: number;
  @ApiProperty({ format: 'date-time', description: 'When it started (its webhook-timestamp)' }) at!: string;
  @ApiProperty({ example: 500, nullable: true, type: Number, description: "The receiver's status; null when none came" })
  responseCode!: number | null;
  @ApiProperty({ example: 84 }) durationMs!: number;
  @ApiProperty({ example: 'HTTP 500', nullable: true, type: String, description: 'Why it failed; null when it succeeded' })
  error!: string | null;
}

export class DeliveryDto {
  @ApiProperty({ example: 'msg_2fK8sLmQ2xVb7RtZ9pQwE3nY', description: 'The webhook-id header: the same on every attempt' })
  id!: string;
  @ApiProperty({ example: 'whk_3kP9sLmQ2xVb7RtZ' }) webhookId!: string;
  @ApiProperty({ enum: [...WEBHOOK_EVENTS, TEST_EVENT], example: 'flag.changed' }) type!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'], description: 'pending until an attempt succeeds or the last one failed' })
  status!: string;
  @ApiProperty({ example: 2, description: 'Attempts made (or in flight)' }) attemptCount!: number;
  @ApiProperty({ example: 200, nullable: true, type: Number, description: "The last attempt's response status" })
  responseCode!: number | null;
  @ApiProperty({ example: 84, nullable: true, type: Number, description: "The last attempt's duration" }) durationMs!: number | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Why the last attempt failed' }) error!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the next attempt is due (pending only)' })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: DeliveryAttemptDto, isArray: true, description: 'Every attempt, oldest first' })
  attempts!: DeliveryAttemptDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
