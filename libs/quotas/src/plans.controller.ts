import { Body, Controller, Inject, Param, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppsService } from '@superflag/apps';
import { AuthService, CurrentUser, RequireUser, type UserPrincipal } from '@superflag/auth';
import { adminEmails, ApiData, ApiErrors, AppConfig, CLUSTER_BUS, type ClusterBus, forbidden } from '@superflag/core';
import { AppPlanDto, PlanDto } from './dto/quota.dto';
import { QuotasService } from './quotas.service';

@ApiTags('Quotas')
@Controller('api/v1/apps')
export class PlansController {
  private readonly admins: Set<string>;

  constructor(
    private readonly apps: AppsService,
    private readonly auth: AuthService,
    private readonly quotas: QuotasService,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    config: AppConfig,
  ) {
    this.admins = adminEmails(config);
  }

  @Patch(':id/plan')
  @RequireUser('apps:write')
  @ApiOperation({ summary: "Change an app's plan (operators listed in ADMIN_EMAILS only; recorded in the app's audit); takes effect at once on every replica" })
  @ApiData(AppPlanDto)
  @ApiErrors(400, 404)
  async setPlan(@CurrentUser() principal: UserPrincipal, @Param('id') id: string, @Body() body: PlanDto) {
    const { user } = await this.auth.me(principal);
    if (!this.admins.has(user.email)) throw forbidden();
    const app = await this.apps.setPlan(principal, id, body.plan);
    await this.bus.publish({ type: 'plan-changed', appId: app.id }, { confirm: true });
    const limit = this.quotas.limitFor(app.plan);
    return { data: { id: app.id, name: app.name, plan: app.plan, limit: Number.isFinite(limit) ? limit : null } };
  }
}
