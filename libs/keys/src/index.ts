export * from './keys.module';
export * from './keys.service';
export * from './key-format';
export type { KeyType } from './api-key.entity';
