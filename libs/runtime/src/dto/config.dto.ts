import { ApiProperty } from '@nestjs/swagger';

export class RuntimeConfigDto {
  @ApiProperty({ example: 46, description: "The environment's version" }) version!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      oneOf: [{ type: 'boolean' }, { type: 'string' }, { type: 'number' }, { type: 'object' }, { type: 'array', items: {} }],
    },
    example: { 'dark-mode': true, 'api-url': 'https://api.example.com' },
    description: 'key → value; pub keys see only flags with clientEnabled',
  })
  flags!: Record<string, unknown>;
}
