import type { Command } from 'commander';
import { Session } from '../session';

/** usage: this month's requests against each environment's quota. */
export function registerUsageCommand(program: Command): void {
  program
    .command('usage')
    .description("This month's requests against the quota, for every environment of the app (or --env)")
    .action(async (_options: unknown, command: Command) => {
      const session = Session.of(command);
      const app = await session.app();
      const env = session.options.env;
      if (env !== undefined) {
        const { data } = await session.request('Loading usage', (api) =>
          api.GET('/api/v1/usage', { params: { query: { appId: app.id, env } } }),
        );
        session.out.result(data, () => session.out.say(`${app.name}/${env}: ${formatUsage(data as Usage)}`));
        return;
      }
      const { data } = await session.request('Loading usage', (api) => api.GET('/api/v1/usage', { params: { query: { appId: app.id } } }));
      const rows = data as Array<Usage & { env: string }>;
      session.out.result(rows, () =>
        session.out.table(
          rows,
          [
            { header: 'ENV', value: (u) => u.env },
            { header: 'MONTH', value: (u) => u.month },
            { header: 'USED', value: (u) => String(u.used) },
            { header: 'LIMIT', value: (u) => (u.limit === null ? 'unlimited' : String(u.limit)) },
            { header: 'PLAN', value: (u) => u.plan },
          ],
          `${app.name} has no environments.`,
        ),
      );
    });
}

interface Usage {
  month: string;
  used: number;
  limit: number | null;
  plan: string;
}

const formatUsage = (u: Usage) => `${u.used} of ${u.limit === null ? 'unlimited' : u.limit} requests in ${u.month} (${u.plan} plan)`;
