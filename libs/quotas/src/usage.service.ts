import { Injectable } from '@nestjs/common';
import type { Principal } from '@superflag/auth';
import { EnvironmentsService } from '@superflag/environments';
import type { Plan } from './quota-math';
import { QuotasService } from './quotas.service';

export interface UsageReport {
  month: string;
  used: number;
  limit: number | null;
  plan: Plan;
}

export interface EnvironmentUsageReport extends UsageReport {
  env: string;
  environmentId: string;
}

/** This month's usage against the quota, as members of an app read it. */
@Injectable()
export class UsageService {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly quotas: QuotasService,
  ) {}

  /** One environment (named or by id). */
  async ofEnvironment(principal: Principal, appId: string, envRef: string): Promise<UsageReport> {
    const { plan } = await this.environments.listWithApp(principal, appId);
    const env = await this.environments.resolve(principal, appId, envRef, 'read');
    const usage = (await this.quotas.usage([env.id], plan)).get(env.id)!;
    return { month: usage.month, used: usage.used, limit: usage.limit, plan };
  }

  /** Every environment of the app, in the app's order. */
  async ofApp(principal: Principal, appId: string): Promise<EnvironmentUsageReport[]> {
    const { environments, plan } = await this.environments.listWithApp(principal, appId);
    const usage = await this.quotas.usage(
      environments.map((e) => e.id),
      plan,
    );
    return environments.map((e) => {
      const u = usage.get(e.id)!;
      return { env: e.name, environmentId: e.id, month: u.month, used: u.used, limit: u.limit, plan };
    });
  }
}
