export * from './apps.module';
export * from './apps.service';
export * from './app-rights';
export { AuditLog } from './audit-log';
export type { AuditAction } from './audit-event.entity';
export type { App } from './app.entity';
export { appView } from './apps.controller';
