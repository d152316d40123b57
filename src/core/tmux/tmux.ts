// Orchard's own tmux server on one host (`tmux -L orchard`, ORCHARD_TMUX_SOCKET overrides).
import { OrchardError } from '../../shared/errors.ts';
import type { ExecResult, Host } from '../hosts/host.ts';
import { tmuxFormatLiteral, tmuxLiteral } from './escape.ts';
import { PANE_FORMAT, parsePanes, parseTmuxVersion, type PaneRecord } from './format.ts';

/** Constant: tmux fills in the logger's and the log's paths, shell-quoted, from the session's options. */
export const PIPE_PANE_COMMAND =
  'exec sh #{q:@orchard_log_script} #{q:@orchard_transcript} #{q:@orchard_log_cap}';

export const MIN_TMUX: [number, number] = [3, 2];

export function tmuxSocketName(): string {
  return process.env.ORCHARD_TMUX_SOCKET || 'orchard';
}

export interface NewSessionSpec {
  name: string;
  cwd: string;
  argv: readonly string[];
  env: Record<string, string>;
  /** Session-level user options, `@orchard_*`. */
  tags: Record<string, string>;
  cols?: number;
  rows?: number;
  /** Transcript: the pane's output piped to this logger (src/core/sessions/transcript.ts). */
  transcript?: { script: string; log: string; cap: number };
  /** A program the agent wrapper runs under (the setup phase, src/core/sessions/setup.ts). */
  prefix?: readonly string[];
}

/**
 * The pane runs the agent under a tiny fixed sh script that records its exit status in the pane
 * option @orchard_exit: tmux 3.3a sometimes loses `pane_dead_status` (seen here in about one exit in
 * four). The script is constant; the agent's argv is passed as positional parameters, never parsed.
 * `trap :` keeps Ctrl-C meant for the agent from killing the wrapper (handlers are reset in children).
 * Limits (src/core/limits): the wrapper first joins the session's cgroups (the cgroup.procs paths,
 * one a line, in ORCHARD_CGROUP_PROCS), so the agent starts inside them; after the agent ends, a
 * non-zero oom_kill count in ORCHARD_OOM_FILE marks the pane @orchard_killed=memory.
 */
/**
 * The last paragraph of a capture (its last lines after a blank one, at most three), trimmed, spaces squeezed, joined by a space and cut
 * at 300 characters (UTF-8 aware under LC_ALL=C); a trailing ';' as '\\;' for tmux (escape.ts).
 */
const LAST_WORDS_AWK = [
  'BEGIN { for (k = 128; k < 192; k++) C = C sprintf("%c", k) }',
  '{ gsub(/[ \\t]+/, " "); sub(/^ /, ""); sub(/ $/, ""); if ($0 == "") { gap = 1 } else { if (gap) n = 0; gap = 0; l[++n] = $0 } }',
  'END { s = ""; for (i = (n > 3 ? n - 2 : 1); i <= n; i++) s = s (s == "" ? "" : " ") l[i]',
  '  o = ""; m = 0; for (k = 1; k <= length(s); k++) { c = substr(s, k, 1); if (!index(C, c) && ++m > 300) break; o = o c }',
  '  if (o ~ /;$/) o = substr(o, 1, length(o) - 1) "\\\\;"; print o }',
].join('\n');

export const AGENT_WRAPPER = [
  'trap : INT QUIT',
  'o=${ORCHARD_OOM_FILE-}',
  'if [ -n "${ORCHARD_CGROUP_PROCS-}" ]; then printf "%s\\n" "$ORCHARD_CGROUP_PROCS" | while IFS= read -r f; do [ -z "$f" ] || echo $$ > "$f"; done; fi 2>/dev/null',
  'unset ORCHARD_CGROUP_PROCS ORCHARD_OOM_FILE',
  '"$@"; c=$?',
  'if [ -n "$o" ] && grep -qs "^oom_kill [1-9]" "$o"; then tmux set-option -p -t "$TMUX_PANE" @orchard_killed memory >/dev/null 2>&1; fi',
  // A failed agent's last words (its error is often above the visible screen once the pane dies).
  `if [ "$c" -ne 0 ]; then w=$(tmux capture-pane -p -J -t "$TMUX_PANE" -S -50 2>/dev/null | LC_ALL=C awk '${LAST_WORDS_AWK}'); tmux set-option -p -t "$TMUX_PANE" @orchard_last_words "$w" >/dev/null 2>&1; fi`,
  'tmux set-option -p -t "$TMUX_PANE" @orchard_exit "$c" >/dev/null 2>&1; exit "$c"',
].join('\n');

export function agentWrapper(argv: readonly string[]): string[] {
  return ['sh', '-c', AGENT_WRAPPER, 'orchard-agent', ...argv];
}

const LIST_TIMEOUT_MS = 10_000;

const NO_SERVER = /no server running|error connecting|No such file or directory/i;

export class Tmux {
  private version: Promise<void> | undefined;

  readonly host: Host;
  readonly socket: string;

  constructor(host: Host, socket: string = tmuxSocketName()) {
    this.host = host;
    this.socket = socket;
  }

  /** argv prefix for this server; `-f /dev/null` keeps the user's ~/.tmux.conf out of Orchard's server. */
  base(): string[] {
    return ['tmux', '-u', '-L', this.socket, '-f', '/dev/null'];
  }

  /** Fails clearly when tmux is missing or older than 3.2; checked once per instance. */
  ensureVersion(): Promise<void> {
    this.version ??= (async () => {
      const r = await this.host.exec(['tmux', '-V']);
      const v = parseTmuxVersion(r.stdout);
      if (r.code !== 0 || !v)
        throw new OrchardError('tool-missing', `cannot tell tmux's version on ${this.host.name}`);
      if (v[0] < MIN_TMUX[0] || (v[0] === MIN_TMUX[0] && v[1] < MIN_TMUX[1]))
        throw new OrchardError(
          'tool-too-old',
          `tmux ${v.join('.')} on ${this.host.name} is too old: Orchard needs tmux >= ${MIN_TMUX.join('.')}`,
        );
    })();
    this.version.catch(() => (this.version = undefined));
    return this.version;
  }

  async run(args: readonly string[], input?: string, timeoutMs?: number): Promise<ExecResult> {
    return this.host.exec([...this.base(), ...args], {
      ...(input === undefined ? {} : { input }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  }

  private async check(args: readonly string[], what: string, input?: string): Promise<ExecResult> {
    const r = await this.run(args, input);
    if (r.code !== 0)
      throw new OrchardError('command-failed', `tmux ${what} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
    return r;
  }

  /** Every pane on the server in one call; an absent server means no panes. */
  async listPanes(): Promise<PaneRecord[]> {
    await this.ensureVersion();
    // Polled every second: a tmux that hangs (a swapping remote box) must not pile up processes or
    // SSH channels, so the call itself is bounded (the process is killed, the channel closed).
    const r = await this.run(['list-panes', '-a', '-F', PANE_FORMAT], undefined, LIST_TIMEOUT_MS);
    if (r.code !== 0) {
      if (NO_SERVER.test(r.stderr)) return [];
      throw new OrchardError('command-failed', `tmux list-panes failed: ${r.stderr.trim()}`);
    }
    return parsePanes(r.stdout);
  }

  /** Create the session, tag it and set its options in one tmux invocation (one command queue). */
  /** Create, tag and configure the session, and read its pane back: one tmux invocation. */
  async newSession(spec: NewSessionSpec): Promise<PaneRecord> {
    await this.ensureVersion();
    const target = `=${spec.name}:`;
    const args: string[] = [
      'new-session',
      '-d',
      '-s',
      spec.name,
      '-c',
      tmuxFormatLiteral(spec.cwd),
      '-x',
      String(spec.cols ?? 200),
      '-y',
      String(spec.rows ?? 50),
    ];
    for (const [k, v] of Object.entries(spec.env)) args.push('-e', tmuxLiteral(`${k}=${v}`));
    args.push('--', ...[...(spec.prefix ?? []), ...agentWrapper(spec.argv)].map(tmuxLiteral));
    for (const [k, v] of Object.entries(spec.tags))
      args.push(';', 'set-option', '-t', target, k, tmuxLiteral(v));
    args.push(';', 'set-option', '-w', '-t', target, 'remain-on-exit', 'on');
    args.push(';', 'set-option', '-w', '-t', target, 'window-size', 'latest');
    args.push(';', 'set-option', '-t', target, 'status', 'off');
    if (spec.transcript) {
      const t = spec.transcript;
      const opts: Array<[string, string]> = [
        ['@orchard_transcript', t.log],
        ['@orchard_log_script', t.script],
        ['@orchard_log_cap', String(t.cap)],
      ];
      for (const [k, v] of opts) args.push(';', 'set-option', '-t', target, k, tmuxLiteral(v));
      args.push(';', 'pipe-pane', '-o', '-t', target, PIPE_PANE_COMMAND);
    }
    // The new pane as list-panes would show it, tags included (saves a list-panes round trip).
    args.push(';', 'display-message', '-p', '-t', target, PANE_FORMAT);
    // Start the server with a long scrollback and what Claude Code asks of tmux (focus events for
    // its focus tracking; passthrough, tmux >= 3.3, for its images: -q where the option is unknown);
    // harmless when it already runs.
    const r = await this.check(
      [
        'start-server',
        ';',
        'set-option',
        '-g',
        'history-limit',
        '50000',
        ';',
        'set-option',
        '-s',
        'focus-events',
        'on',
        ';',
        'set-option',
        '-gq',
        'allow-passthrough',
        'on',
        ';',
        ...args,
      ],
      'new-session',
    );
    const pane = parsePanes(r.stdout)[0];
    if (!pane) throw new OrchardError('internal', `tmux did not report the new session ${spec.name}`);
    return pane;
  }

  async killSession(name: string): Promise<void> {
    const r = await this.run(['kill-session', '-t', `=${name}:`]);
    if (r.code === 0 || /can't find session|no server running|error connecting/i.test(r.stderr)) return;
    // The last session killed ends the server, which may exit before it answers (seen with a
    // control client attached: "server exited unexpectedly"). Gone is what was asked for.
    if (/server exited unexpectedly/i.test(r.stderr) && !(await this.hasSession(name))) return;
    throw new OrchardError('command-failed', `tmux kill-session failed: ${r.stderr.trim()}`);
  }

  /** Whether the session exists (no server: it does not). */
  async hasSession(name: string): Promise<boolean> {
    return (await this.run(['has-session', '-t', `=${name}:`])).code === 0;
  }

  /** Paste text literally (stdin → buffer → pane), then optionally press Enter: one invocation. */
  async sendText(paneId: string, text: string, enter: boolean): Promise<void> {
    const buffer = `orchard-send-${paneId.replace('%', '')}`;
    const args = [
      'load-buffer',
      '-b',
      buffer,
      '-',
      ';',
      'paste-buffer',
      '-d',
      '-p',
      '-b',
      buffer,
      '-t',
      paneId,
    ];
    if (enter) args.push(';', 'send-keys', '-t', paneId, 'Enter');
    if (text === '') {
      if (enter) await this.check(['send-keys', '-t', paneId, 'Enter'], 'send-keys');
      return;
    }
    await this.check(args, 'paste', text);
  }

  async sendKeys(paneId: string, keys: readonly string[]): Promise<void> {
    await this.check(['send-keys', '-t', paneId, ...keys.map(tmuxLiteral)], 'send-keys');
  }

  /** The visible screen (with -e: colours kept), with `history` lines of scrollback above it. */
  async capture(paneId: string, escapes = false, history = 0): Promise<string> {
    const r = await this.check(
      [
        'capture-pane',
        '-p',
        ...(escapes ? ['-e'] : []),
        ...(history > 0 ? ['-S', String(-history)] : []),
        '-t',
        paneId,
      ],
      'capture-pane',
    );
    return r.stdout;
  }

  async setPaneOption(paneId: string, key: string, value: string): Promise<void> {
    await this.check(['set-option', '-p', '-t', paneId, key, tmuxLiteral(value)], 'set-option');
  }

  /** argv that attaches a terminal to the session (for node-pty, ssh pty, or `orchard attach`). */
  attachArgv(name: string): string[] {
    return [...this.base(), 'attach-session', '-t', `=${name}:`];
  }
}
