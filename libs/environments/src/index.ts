export * from './environments.module';
export * from './environments.service';
export * from './dto/environment.dto';
export type { Environment } from './environment.entity';
