export * from './flags.module';
export * from './flags.service';
export * from './flag-values';
export * from './etag';
export type { Flag } from './flag.entity';
export type { FlagChange, FlagDiff, TargetDiff, ChangeDiff, ChangeAction } from './flag-change.entity';
