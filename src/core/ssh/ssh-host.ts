// The Host port over SSH: each exec is one channel on a pooled connection, running a command line
// made by remoteCommandLine (shJoin) from argv; files go through fixed sh scripts with the data as
// positional parameters or stdin. Git, tmux and agent code use it exactly as they use LocalHost.
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, PseudoTtyOptions } from 'ssh2';
import { OrchardError } from '../../shared/errors.ts';
import {
  execTimeout,
  timedOutMessage,
  type ExecOptions,
  type ExecResult,
  type Host,
  type PtyOptions,
  type PtyStream,
} from '../hosts/host.ts';
import { parseTmuxVersion } from '../tmux/format.ts';
import { MIN_TMUX } from '../tmux/tmux.ts';
import { remoteCommandLine } from './command-line.ts';
import type { SshPool } from './pool.ts';
import { SshPty } from './ssh-pty.ts';

/**
 * Atomic write: temp file beside the target, then rename. $1 = path, $2 = octal mode; data on stdin.
 * On failure the temp file goes, and the folder's `df` line follows a marker (a full disk is named).
 */
const WRITE_SCRIPT =
  'd=$(dirname -- "$1") && mkdir -p -- "$d" && t="$d/.orchard-$$.tmp" && ' +
  'cat > "$t" && chmod "$2" "$t" && mv -f -- "$t" "$1" || { rm -f -- "$t"; ' +
  'echo "--orchard-df--" >&2; df -Pk -- "$d" 2>/dev/null | tail -n 1 >&2; exit 1; }';

/** "no space left on /mnt (3 MB free)" from the script's stderr, when that is what failed. */
export function remoteWriteError(stderr: string): { why: string; noSpace: boolean } {
  const [why = '', df = ''] = stderr.split('--orchard-df--\n');
  if (!/no space left|quota exceeded/i.test(why)) return { why: why.trim(), noSpace: false };
  // Filesystem 1024-blocks Used Available Capacity Mounted-on (the mount may hold spaces).
  const f = df.trim().split(/\s+/);
  const kb = Number(f[3]);
  if (f.length < 6 || !Number.isFinite(kb)) return { why: 'no space left on device', noSpace: true };
  return {
    why: `no space left on ${f.slice(5).join(' ')} (${Math.floor(kb / 1024)} MB free)`,
    noSpace: true,
  };
}

/** Both requirements in one round trip. */
const REQUIREMENTS_SCRIPT = 'tmux -V 2>&1; echo "--orchard--"; git --version 2>&1';

export interface Requirements {
  tmux: string;
  git: string;
}

/**
 * Open an exec channel and hand it to `attach` synchronously, inside ssh2's callback: a short
 * command's output, exit status and close can all arrive in the same packet batch, before any
 * promise continuation would run.
 */
function openChannel<T>(
  client: Client,
  cmd: string,
  pty: PseudoTtyOptions | undefined,
  attach: (ch: ClientChannel) => T,
): Promise<{ value: T }> {
  // Wrapped, so a promise returned by `attach` is not awaited here (that is the command running).
  return new Promise((resolve, reject) => {
    try {
      client.exec(cmd, pty ? { pty } : {}, (err, ch) => (err ? reject(err) : resolve({ value: attach(ch) })));
    } catch (e) {
      reject(e as Error);
    }
  });
}

/**
 * Every remote command first writes its PID on stderr, then execs (same PID): closing a channel
 * does not stop a command (sshd waits for it, and honours signal requests only for non-root
 * logins), so a command past its time limit is killed by PID from a second channel.
 */
const PID_SCRIPT = 'printf "\\036orchard-pid %s\\n" "$$" >&2; exec "$@"';
// eslint-disable-next-line no-control-regex -- the marker starts with RS, which no tool writes first
const PID_LINE = /^\x1eorchard-pid (\d+)\n/;

/** The PID line off the front of stderr. */
function splitPid(stderr: string): { pid: number | undefined; rest: string } {
  const m = PID_LINE.exec(stderr);
  return m ? { pid: Number(m[1]), rest: stderr.slice(m[0].length) } : { pid: undefined, rest: stderr };
}

function collect(
  ch: ClientChannel,
  label: string,
  argv: readonly string[],
  opts: ExecOptions,
  kill: (pid: number) => void,
): Promise<ExecResult> {
  const limit = execTimeout(opts);
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    ch.on('data', (b: Buffer) => out.push(b));
    ch.stderr.on('data', (b: Buffer) => err.push(b));
    ch.on('error', () => {});
    // Past the limit: ask sshd to kill the command (where it honours signal requests) and close the
    // channel; the caller gets the error now, the channel's slot comes back when sshd confirms.
    const timer =
      limit > 0
        ? setTimeout(
            () =>
              settle(() => {
                const { pid } = splitPid(Buffer.concat(err).toString('utf8'));
                if (pid !== undefined) kill(pid);
                try {
                  ch.signal('KILL');
                } catch {
                  // the channel is already going
                }
                ch.close();
                reject(new OrchardError('command-failed', timedOutMessage(argv, limit, ` on ${label}`)));
              }),
            limit,
          )
        : undefined;
    // ssh2 passes the exit status to 'close' (code, or null and a signal name), like child_process.
    ch.once('close', (code?: number | null, signal?: string) =>
      settle(() => {
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = splitPid(Buffer.concat(err).toString('utf8')).rest;
        // No exit status at all: the connection went away under the command.
        if (code === undefined && signal === undefined)
          return reject(
            new OrchardError('host-unreachable', `connection to ${label} lost while a command ran`),
          );
        resolve({ code: typeof code === 'number' ? code : 128, stdout, stderr });
      }),
    );
    ch.end(opts.input === undefined ? undefined : opts.input);
  });
}

export class SshHost implements Host {
  readonly name: string;
  readonly execs = { count: 0 };
  private readonly pool: SshPool;
  private checked: Promise<Requirements> | undefined;
  private home: string | undefined;
  private readonly trace = process.env.ORCHARD_TRACE_EXEC === '1';

  constructor(name: string, pool: SshPool) {
    this.name = name;
    this.pool = pool;
  }

  /** Reached another way just now: dial at once next time, whatever failed before. */
  reached(): void {
    this.pool.forgetFailures();
  }

  /** Open connections and channels now (tests, diagnostics). */
  get usage(): { connections: number; channels: number } {
    return { connections: this.pool.connectionCount, channels: this.pool.channelCount };
  }

  /** A channel running `cmd`; a refused channel (MaxSessions) or a dropped connection is retried. */
  private async channel<T>(
    cmd: string,
    pty: PseudoTtyOptions | undefined,
    attach: (ch: ClientChannel) => T,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const lease = await this.pool.acquire();
      try {
        const opened = await openChannel(lease.client, cmd, pty, (ch) => {
          ch.once('close', () => lease.release());
          return attach(ch);
        });
        return opened.value;
      } catch (e) {
        lease.release();
        const msg = (e as Error).message;
        if (/open failure|open failed|prohibited/i.test(msg)) lease.markFull();
        else if (/not connected|no response/i.test(msg)) lease.markBroken();
        else throw new OrchardError('command-failed', `${this.name}: the server refused the command: ${msg}`);
        if (attempt >= 2)
          throw new OrchardError('host-unreachable', `${this.name}: cannot open an SSH channel: ${msg}`);
      }
    }
  }

  /** Runs argv without the requirements check (the check itself uses it). */
  private async run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const cmd = remoteCommandLine(['sh', '-c', PID_SCRIPT, 'orchard', ...argv], {
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      ...(opts.env ? { env: opts.env } : {}),
    });
    this.execs.count++;
    if (this.trace)
      process.stderr.write(`[orchard exec ${this.name}] ${argv.join(' ').replace(/\n/g, '\\n')}\n`);
    return this.channel(cmd, undefined, (ch) => collect(ch, this.name, argv, opts, (pid) => this.kill(pid)));
  }

  /** Best effort: the timed-out command's process group (sshd made it a session leader), else it. */
  private kill(pid: number): void {
    const script = 'kill -KILL -"$1" 2>/dev/null || kill -KILL "$1"';
    void this.run(['sh', '-c', script, 'orchard-kill', String(pid)], { timeoutMs: 10_000 }).catch(() => {});
  }

  /** tmux >= 3.2 and git on the host, checked once per connection life of this object. */
  requirements(): Promise<Requirements> {
    this.checked ??= (async () => {
      const r = await this.run(['sh', '-c', REQUIREMENTS_SCRIPT]);
      const [tmuxOut = '', gitOut = ''] = r.stdout.split('--orchard--');
      const v = /^tmux /m.test(tmuxOut) ? parseTmuxVersion(tmuxOut) : null;
      if (!v)
        throw new OrchardError(
          'tool-missing',
          `tmux is not installed on ${this.name} (Orchard needs tmux >= ${MIN_TMUX.join('.')} there)`,
        );
      if (v[0] < MIN_TMUX[0] || (v[0] === MIN_TMUX[0] && v[1] < MIN_TMUX[1]))
        throw new OrchardError(
          'tool-too-old',
          `tmux ${v.join('.')} on ${this.name} is too old: Orchard needs tmux >= ${MIN_TMUX.join('.')}`,
        );
      const g = /git version (\S+)/.exec(gitOut);
      if (!g) throw new OrchardError('tool-missing', `git is not installed on ${this.name}`);
      return { tmux: tmuxOut.trim(), git: g[1]! };
    })();
    this.checked.catch(() => (this.checked = undefined));
    return this.checked;
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    await this.requirements();
    return this.run(argv, opts);
  }

  async readFile(path: string): Promise<string> {
    const r = await this.exec(['cat', '--', path]);
    if (r.code !== 0)
      throw new OrchardError(
        'not-found',
        `cannot read ${path} on ${this.name}: ${r.stderr.trim() || `exit ${r.code}`}`,
      );
    return r.stdout;
  }

  async writeFile(path: string, data: string, mode = 0o644): Promise<void> {
    const r = await this.exec(['sh', '-c', WRITE_SCRIPT, 'orchard-write', path, mode.toString(8)], {
      input: data,
    });
    if (r.code !== 0) {
      const { why, noSpace } = remoteWriteError(r.stderr);
      throw new OrchardError(
        'command-failed',
        noSpace
          ? `${why} writing ${path} on ${this.name}`
          : `cannot write ${path} on ${this.name}: ${why || `exit ${r.code}`}`,
      );
    }
  }

  async mkdirp(path: string): Promise<void> {
    const r = await this.exec(['mkdir', '-p', '--', path]);
    if (r.code !== 0)
      throw new OrchardError('command-failed', `cannot create ${path} on ${this.name}: ${r.stderr.trim()}`);
  }

  async exists(path: string): Promise<boolean> {
    return (await this.exec(['test', '-e', path])).code === 0;
  }

  async homeDir(): Promise<string> {
    if (this.home) return this.home;
    const r = await this.exec(['sh', '-c', 'printf "%s" "$HOME"']);
    if (r.code !== 0 || !r.stdout.startsWith('/'))
      throw new OrchardError('command-failed', `cannot tell the home folder on ${this.name}`);
    return (this.home = r.stdout);
  }

  async openPty(argv: readonly string[], opts: PtyOptions): Promise<PtyStream> {
    await this.requirements();
    const cmd = remoteCommandLine(argv, {
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      ...(opts.env ? { env: opts.env } : {}),
    });
    const pty = { rows: opts.rows, cols: opts.cols, height: 0, width: 0, term: 'xterm-256color' };
    return this.channel(cmd, pty, (ch) => new SshPty(ch));
  }

  /**
   * A direct-tcpip channel to address:port as seen from the host (port forwarding). It holds a
   * lease on a pooled connection while open; a dropped connection is dialled again by the next
   * call, so a forward's listener outlives a reconnect.
   */
  async openTcp(address: string, port: number): Promise<Duplex> {
    for (let attempt = 0; ; attempt++) {
      const lease = await this.pool.acquire();
      try {
        return await new Promise<Duplex>((resolve, reject) => {
          lease.client.forwardOut('127.0.0.1', 0, address, port, (err, ch) => {
            if (err) return reject(err);
            ch.once('close', () => lease.release());
            resolve(ch);
          });
        });
      } catch (e) {
        lease.release();
        const msg = (e as Error).message;
        if (/not connected|no response/i.test(msg) && attempt < 2) {
          lease.markBroken();
          continue;
        }
        throw new OrchardError(
          /not connected|no response/i.test(msg) ? 'host-unreachable' : 'command-failed',
          `${this.name}: cannot connect to ${address}:${port} there: ${msg}`,
        );
      }
    }
  }

  dispose(): void {
    this.pool.dispose();
  }
}
