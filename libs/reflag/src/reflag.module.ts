import { Module } from '@nestjs/common';

/** Skeleton: filled in by issue 16. */
@Module({})
export class ReflagModule {}
