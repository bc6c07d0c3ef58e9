export * from './reflag.module';
export * from './reflag.service';
export * from './reflag-error';
