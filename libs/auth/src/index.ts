export * from './auth.module';
export * from './auth.service';
export * from './auth.decorators';
export * from './operators.service';
export * from './principal';
export * from './scopes';
export { UserDto } from './dto/auth.dto';
export type { ManagementKey } from './management-key.entity';
