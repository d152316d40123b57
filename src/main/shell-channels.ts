// The desktop shell's own messages on the contract's IPC channel, answered by src/main and never by
// the router: the renderer reports its open tabs (kept in app-state.json), and the shell pushes UI
// commands (menu, tray and notification clicks, tabs restored on start).
import { z } from 'zod';
import { sessionId } from '../core/rpc/schemas.ts';

export const shellSendSchemas = {
  /** The renderer's open session tabs, in order, and the active one. */
  tabsChanged: z
    .strictObject({ open: z.array(sessionId).max(1000), active: sessionId.nullable() })
    .refine((t) => t.active === null || t.open.includes(t.active), {
      message: 'active must be one of the open tabs',
    }),
} as const;

export type ShellSendName = keyof typeof shellSendSchemas;
export type TabsChanged = z.infer<(typeof shellSendSchemas)['tabsChanged']>;

/** Pushed to the renderer as the event `shellCommand`. */
export type ShellCommand =
  | { kind: 'openSession'; id: string }
  | { kind: 'newSession' }
  | { kind: 'showDashboard' }
  | { kind: 'restoreTabs'; open: string[]; active: string | null; dropped: string[] };

export const SHELL_EVENT = 'shellCommand';
