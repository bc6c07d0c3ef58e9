export * from './quotas.module';
export * from './quotas.service';
export * from './quota-math';
export * from './quota-store';
export * from './usage.store';
export { UsageDto, EnvironmentUsageDto, UsageQueryDto } from './dto/quota.dto';
export * from './quota-http';
export { QuotaUncounted } from './quota.guard';
