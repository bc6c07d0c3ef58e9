export * from './reflag.module';
