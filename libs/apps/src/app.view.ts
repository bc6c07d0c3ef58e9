import type { App } from './app.entity';

/** An app on the wire. */
export const appView = (app: App) => ({ id: app.id, name: app.name, createdAt: app.createdAt.toISOString() });
