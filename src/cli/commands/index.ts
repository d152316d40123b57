// Every CLI command, by feature. Add a feature's commands here.
import type { Command } from '../command.ts';
import { coreCommands } from './core.ts';
import { hostCommands } from './host.ts';
import { webCommands } from './web.ts';
import { logCommands } from './log.ts';
import { eventsCommands } from './events.ts';
import { portCommands } from './ports.ts';
import { statsCommands } from './stats.ts';
import { resumeCommands } from './resume.ts';
import { serviceCommands } from './service.ts';
import { reviewCommands } from './review.ts';
import { setupCommands } from './setup.ts';
import { approveCommands } from './approve.ts';

export const COMMANDS: Command[] = [
  ...coreCommands,
  ...hostCommands,
  ...webCommands,
  ...statsCommands,
  ...portCommands,
  ...resumeCommands,
  ...serviceCommands,
  ...reviewCommands,
  ...logCommands,
  ...setupCommands,
  ...approveCommands,
  ...eventsCommands,
];
