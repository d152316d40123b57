// Human-readable output for the CLI (the --json forms print the model objects as they are).
import { stateLabel } from '../shared/fleet.ts';
import type { AgentProfile, BranchInfo, RepoConfig, SessionInfo } from '../shared/model.ts';

/**
 * THE escaping of everything the CLI prints that came from outside (names, paths, arguments, git and
 * tmux output, error messages): a commit subject, a repo name or a tmux tag can carry ESC sequences
 * (OSC 52 clipboard writes, title spoofing, screen clears). C0, DEL and C1 (U+0080-U+009F, which a
 * UTF-8 terminal may take as CSI/OSC too) are shown as \xNN, never sent to the terminal.
 * `keep` names the layout characters a multi-line text may keep (\n, \t); a single value keeps none.
 */
export function visible(text: string, keep: 'none' | 'layout' = 'none'): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) =>
    keep === 'layout' && (c === '\n' || c === '\t')
      ? c
      : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * JSON for the terminal or a pipe: JSON.stringify escapes C0 but leaves DEL and C1 raw; written as
 * \u00NN they still parse to the same string.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\x7f-\x9f]/g,
    (c) => `\\u00${c.charCodeAt(0).toString(16)}`,
  );
}

export function table(input: string[][]): string {
  if (input.length === 0) return '';
  const rows = input.map((r) => r.map((c) => visible(c)));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** What a session waits for, or why it exited, on one short line ("" when nothing to say). */
export function stateWhy(s: SessionInfo, max = 60): string {
  const why = (s.state === 'exited' ? s.reason : s.state === 'waiting' ? s.detail : undefined) ?? '';
  return why.length > max ? `${why.slice(0, max - 1)}…` : why;
}

export function formatSessions(list: SessionInfo[]): string {
  if (!list.length) return 'no sessions\n';
  return table([
    ['ID', 'HOST', 'REPO', 'BRANCH', 'AGENT', 'STATE', 'PID', 'CREATED', 'WHY'],
    ...list.map((s) => [
      s.id,
      s.host,
      s.repo,
      s.branch,
      s.agent,
      stateLabel(s) + (s.worktreeBroken ? ' (worktree broken)' : ''),
      String(s.pid ?? '-'),
      s.createdAt,
      stateWhy(s),
    ]),
  ]);
}

export function formatBranches(list: BranchInfo[]): string {
  if (!list.length) return 'no branches\n';
  return table([
    ['BRANCH', 'UPSTREAM', '+/-', 'SESSION', 'WORKTREE', 'LAST COMMIT'],
    ...list.map((b) => [
      b.kind === 'remote' ? `(remote) ${b.name}` : b.name,
      b.upstream ?? '-',
      b.upstream ? `+${b.ahead}/-${b.behind}` : '',
      b.sessionId ?? '-',
      b.broken ? `${b.worktree ?? '-'} (BROKEN: ${b.broken})` : (b.worktree ?? '-'),
      `${b.lastCommit.sha.slice(0, 8)} ${b.lastCommit.subject}`,
    ]),
  ]);
}

export function formatRepos(list: RepoConfig[]): string {
  if (!list.length) return 'no repos (add one with: orchard repo add <path>)\n';
  return table([['NAME', 'HOST', 'PATH'], ...list.map((r) => [r.name, r.host, r.path])]);
}

export function formatProfiles(list: AgentProfile[], defaultId: string): string {
  return table([
    ['ID', 'LABEL', 'KIND', 'COMMAND'],
    ...list.map((p) => [p.id + (p.id === defaultId ? ' *' : ''), p.label, p.kind, p.command.join(' ')]),
  ]);
}
