import { Body, Controller, Inject, Param, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppsService } from '@superflag/apps';
import { CurrentUser, OperatorsService, RequireUser, type UserPrincipal } from '@superflag/auth';
import { ApiData, ApiErrors, CLUSTER_BUS, type ClusterBus, QuotaExempt } from '@superflag/core';
import { AppPlanDto, PlanDto } from './dto/quota.dto';
import { QuotasService } from './quotas.service';

@ApiTags('Quotas')
@Controller('api/v1/apps')
export class PlansController {
  constructor(
    private readonly apps: AppsService,
    private readonly operators: OperatorsService,
    private readonly quotas: QuotasService,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
  ) {}

  @Patch(':id/plan')
  @RequireUser('apps:write')
  @QuotaExempt()
  @ApiOperation({
    summary:
      "Change an app's plan (operators only: see /api/v1/operators; recorded in the app's audit); takes effect at once on every replica",
  })
  @ApiData(AppPlanDto)
  @ApiErrors(400, 404)
  async setPlan(@CurrentUser() principal: UserPrincipal, @Param('id') id: string, @Body() body: PlanDto) {
    await this.operators.requireOperator(principal);
    const app = await this.apps.setPlan(principal, id, body.plan);
    await this.bus.publish({ type: 'plan-changed', appId: app.id }, { confirm: true });
    const limit = this.quotas.limitFor(app.plan);
    return { data: { id: app.id, name: app.name, plan: app.plan, limit: Number.isFinite(limit) ? limit : null } };
  }
}
