import type { Command } from 'commander';
import { registerAppsCommands } from './apps';
import { registerAuthCommands } from './auth';
import { registerEnvsCommands } from './envs';
import { registerFlagsCommands } from './flags';
import { registerKeysCommands } from './keys';
import { registerTargetsCommands } from './targets';
import { registerTypegenCommand } from './typegen';
import { registerUsageCommand } from './usage';
import { registerUseCommand } from './use';

/**
 * Every command group, in the order `superflag --help` lists them. A new group is one more file in this
 * folder exporting a register function, plus a line here.
 */
export const commandGroups: ReadonlyArray<(program: Command) => void> = [
  registerAuthCommands,
  registerAppsCommands,
  registerEnvsCommands,
  registerUseCommand,
  registerFlagsCommands,
  registerKeysCommands,
  registerTargetsCommands,
  registerUsageCommand,
  registerTypegenCommand,
];
