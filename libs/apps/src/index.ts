export * from './apps.module';
export * from './apps.service';
export * from './app-rights';
export type { App } from './app.entity';
export { appView } from './apps.controller';
