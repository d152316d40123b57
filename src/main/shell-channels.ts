// Schemas for the desktop shell's own sends (declared in src/shared/api.ts: SHELL_SENDS, ShellSendMap),
// answered by src/main and never by the router; the shell pushes ShellCommand events back.
import { z } from 'zod';
import type { ShellSendMap, ShellSendName } from '../shared/api.ts';
import { sessionId } from '../core/rpc/schemas.ts';

type ShellSendSchemas = { [K in ShellSendName]: z.ZodType<ShellSendMap[K]> };

export const shellSendSchemas: ShellSendSchemas = {
  tabsChanged: z
    .strictObject({ open: z.array(sessionId).max(1000), active: sessionId.nullable() })
    .refine((t) => t.active === null || t.open.includes(t.active), {
      message: 'active must be one of the open tabs',
    }),
};

export const SHELL_EVENT = 'shellCommand';
