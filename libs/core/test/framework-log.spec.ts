import type { LoggerService } from '@nestjs/common';
import { prettyLogs, QuietFrameworkLogger } from '@superflag/core';

describe('QuietFrameworkLogger', () => {
  const calls: Array<[string, unknown[]]> = [];
  const inner: LoggerService = {
    log: (...a: unknown[]) => calls.push(['log', a]),
    error: (...a: unknown[]) => calls.push(['error', a]),
    warn: (...a: unknown[]) => calls.push(['warn', a]),
    debug: (...a: unknown[]) => calls.push(['debug', a]),
    verbose: (...a: unknown[]) => calls.push(['verbose', a]),
  };
  beforeEach(() => (calls.length = 0));

  it("writes Nest's start-up messages at debug and the rest as they were", () => {
    const logger = new QuietFrameworkLogger(inner);
    logger.log('Mapped {/api/v1/config, GET} route', 'RouterExplorer');
    logger.log('AppsModule dependencies initialized', 'InstanceLoader');
    logger.log('Listening on 3000', 'Bootstrap');
    logger.warn('careful', 'RouterExplorer');
    logger.error('broken', 'stack', 'InstanceLoader');
    logger.fatal('down', 'Bootstrap');
    expect(calls).toEqual([
      ['debug', ['Mapped {/api/v1/config, GET} route', 'RouterExplorer']],
      ['debug', ['AppsModule dependencies initialized', 'InstanceLoader']],
      ['log', ['Listening on 3000', 'Bootstrap']],
      ['warn', ['careful', 'RouterExplorer']],
      ['error', ['broken', 'stack', 'InstanceLoader']],
      ['error', ['down', 'Bootstrap']],
    ]);
  });
});

describe('prettyLogs', () => {
  it('is pretty for a terminal under auto, JSON for a pipe, and as told otherwise', () => {
    expect(prettyLogs('auto', true)).toBe(true);
    expect(prettyLogs('auto', false)).toBe(false);
    expect(prettyLogs('pretty', false)).toBe(true);
    expect(prettyLogs('json', true)).toBe(false);
  });
});
