export * from './runtime.module';
export * from './config-snapshots';
export * from './config-streams';
export * from './key-auth';
export * from './snapshot';
export * from './evaluation';
export * from './runtime-access';
