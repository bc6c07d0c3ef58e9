import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OfrepBulkDto } from './evaluation.dto';

export class OfrepEndpointDto {
  @ApiPropertyOptional({
    example: 'https://flags.example.com',
    description: 'Absent: the origin of the client’s configured OFREP base URL (so proxies in front need no rewriting)',
  })
  origin?: string;

  @ApiProperty({
    example: '/ofrep/v1/stream?key=pub_prod_…',
    description: 'Path and query of the stream: `?key=<the pub_ key>` for pub_ keys, `?token=<a stream token>` for sdk_ keys',
  })
  requestUri!: string;
}

/** ADR-0008's eventStream entry, as this server sends it (always `endpoint`, never `url`). */
export class OfrepEventStreamDto {
  @ApiProperty({ enum: ['sse'], example: 'sse' }) type!: 'sse';
  @ApiProperty({ type: OfrepEndpointDto }) endpoint!: OfrepEndpointDto;
  @ApiProperty({ example: 120, minimum: 1, description: 'Seconds a hidden tab keeps its stream open' }) inactivityDelaySec!: number;
}

export class OfrepBulkResponseDto extends OfrepBulkDto {
  @ApiProperty({
    type: [OfrepEventStreamDto],
    description:
      'Where to hear of changes (OFREP ADR-0008): an SSE stream sending `{"type":"refetchEvaluation","etag":…}` after every change of the environment. ' +
      'sdk_ tokens expire after one to two hours: the ETag changes when a new one is minted, so any re-fetch brings it.',
  })
  eventStreams!: OfrepEventStreamDto[];
}
