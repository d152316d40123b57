// Claude Code's argv: its session id, the hooks settings file, and the profile's permission mode.
// Since 2.1.x Claude Code may default to "auto" (edits and many commands run without asking): a
// profile that wants every tool call asked sets `permissionMode: "manual"` (or "default", its name
// in hook input), or picks another mode; Orchard shows the mode each session reports.
import { OrchardError } from '../../shared/errors.ts';
import type { AgentProfile } from '../../shared/model.ts';

/** `claude --permission-mode` choices (2.1.332); "default" is what hook input calls "manual". */
export const CLAUDE_PERMISSION_MODES = [
  'default',
  'manual',
  'acceptEdits',
  'auto',
  'plan',
  'dontAsk',
  'bypassPermissions',
] as const;

export function claudePermissionArgs(profile: Pick<AgentProfile, 'id' | 'permissionMode'>): string[] {
  const mode = profile.permissionMode;
  if (mode === undefined || mode === '') return [];
  if (!(CLAUDE_PERMISSION_MODES as readonly string[]).includes(mode))
    throw new OrchardError(
      'invalid-argument',
      `agent profile ${profile.id}: unknown permissionMode ${JSON.stringify(mode)} (one of ${CLAUDE_PERMISSION_MODES.join(', ')})`,
    );
  return ['--permission-mode', mode === 'default' ? 'manual' : mode];
}

export function claudeArgv(
  profile: Pick<AgentProfile, 'id' | 'command' | 'permissionMode'>,
  agentSessionId: string,
  settingsFile: string,
): string[] {
  return [
    ...profile.command,
    '--session-id',
    agentSessionId,
    '--settings',
    settingsFile,
    ...claudePermissionArgs(profile),
  ];
}
