// `orchard service install|uninstall|status`: Orchard's systemd user units on one host (units.ts
// writes them). Install is idempotent (a unit already as generated is left alone) and enables the
// units by the same symlinks `systemctl --user enable` makes, so it also works where no user manager
// runs yet (a fresh box, a container); the manager is then reloaded when it can be reached.
import { posix } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import type { HostContext } from '../hosts/registry.ts';
import { RESUME_UNIT, TMUX_UNIT, units } from './units.ts';

/** One exec: systemctl, tmux, the config folder, PATH, orchard, the user, linger. */
const PROBE_SCRIPT = [
  'command -v systemctl || echo',
  'command -v tmux || echo',
  'printf "%s\\n" "${XDG_CONFIG_HOME:-$HOME/.config}" "$PATH"',
  'command -v orchard || echo',
  'u=$(id -un); printf "%s\\n" "$u"',
  'loginctl show-user "$u" -p Linger --value 2>/dev/null || echo',
].join('\n');

interface Probe {
  systemctl: string;
  tmux: string;
  dir: string;
  path: string;
  orchard: string;
  user: string;
  linger: boolean;
}

async function probe(ctx: HostContext): Promise<Probe> {
  const r = await ctx.host.exec(['sh', '-c', PROBE_SCRIPT]);
  const [systemctl = '', tmux = '', config = '', path = '', orchard = '', user = '', linger = ''] =
    r.stdout.split('\n');
  if (!systemctl)
    throw new OrchardError(
      'tool-missing',
      `${ctx.host.name} has no systemd (systemctl not found): Orchard cannot start its tmux server at boot there; ` +
        `after a reboot, bring the sessions back with orchard resume --all --host ${ctx.host.name}`,
    );
  if (!tmux) throw new OrchardError('tool-missing', `tmux is not installed on ${ctx.host.name}`);
  if (!config.startsWith('/'))
    throw new OrchardError('command-failed', `cannot tell the config folder on ${ctx.host.name}`);
  return {
    systemctl,
    tmux,
    dir: posix.join(config, 'systemd', 'user'),
    path,
    orchard,
    user,
    linger: linger.trim() === 'yes',
  };
}

export interface ServiceOptions {
  /** argv of this very `orchard` (node + bin/orchard.js): used for the local host. */
  orchard?: string[];
  /** Environment the resume run needs (ORCHARD_HOME for the local host). */
  env?: Record<string, string>;
}

export interface UnitStatus {
  file: string;
  state: 'written' | 'unchanged' | 'removed' | 'absent' | 'installed' | 'outdated';
}

export interface ServiceReport {
  host: string;
  dir: string;
  units: UnitStatus[];
  enabled: boolean;
  /** Whether a systemd user manager answered (daemon-reload). */
  manager: boolean;
  linger: boolean;
  notes: string[];
}

async function generated(ctx: HostContext, p: Probe, opts: ServiceOptions): Promise<Map<string, string>> {
  const local = ctx.host.name === 'local';
  const orchard = local && opts.orchard ? opts.orchard : p.orchard ? [p.orchard] : null;
  return units({
    tmux: p.tmux,
    socket: ctx.tmux.socket,
    path: p.path,
    orchard,
    // On an SSH host, Orchard's folder there (~/.orchard) is where the records are: the orchard
    // installed on that host must use it as its home to find them.
    env: {
      ...(local ? (opts.env ?? {}) : { ORCHARD_HOME: await ctx.home() }),
      ORCHARD_TMUX_SOCKET: ctx.tmux.socket,
    },
  });
}

async function readOr(ctx: HostContext, file: string): Promise<string | null> {
  return ctx.host.readFile(file).catch(() => null);
}

async function reload(ctx: HostContext): Promise<boolean> {
  const r = await ctx.host.exec(['systemctl', '--user', 'daemon-reload']).catch(() => null);
  return r?.code === 0;
}

const LINK_SCRIPT =
  'w="$1/default.target.wants"; shift; mkdir -p -- "$w" || exit 1; for u; do ln -sf -- "../$u" "$w/$u" || exit 1; done';
const UNLINK_SCRIPT = 'd=$1; shift; for u; do rm -f -- "$d/default.target.wants/$u" "$d/$u"; done';

function lingerNote(p: Probe): string[] {
  return p.linger
    ? []
    : [`to start them at boot without logging in, run: loginctl enable-linger ${p.user || '$USER'}`];
}

export async function installService(ctx: HostContext, opts: ServiceOptions = {}): Promise<ServiceReport> {
  const p = await probe(ctx);
  const files = await generated(ctx, p, opts);
  const report: UnitStatus[] = [];
  for (const [name, text] of files) {
    const file = posix.join(p.dir, name);
    const same = (await readOr(ctx, file)) === text;
    if (!same) await ctx.host.writeFile(file, text);
    report.push({ file, state: same ? 'unchanged' : 'written' });
  }
  const r = await ctx.host.exec(['sh', '-c', LINK_SCRIPT, 'sh', p.dir, ...files.keys()]);
  if (r.code !== 0)
    throw new OrchardError('command-failed', `cannot enable the units in ${p.dir}: ${r.stderr.trim()}`);
  const manager = await reload(ctx);
  const notes = [
    ...(files.has(RESUME_UNIT)
      ? []
      : [
          `orchard is not installed on ${ctx.host.name}: only ${TMUX_UNIT} was installed; after a reboot, ` +
            `resume its sessions from here with orchard resume --all --host ${ctx.host.name} (or the window's Resume all)`,
        ]),
    ...(manager
      ? []
      : ['no systemd user manager answered here: the units take effect at the next boot or login']),
    ...lingerNote(p),
  ];
  return { host: ctx.host.name, dir: p.dir, units: report, enabled: true, manager, linger: p.linger, notes };
}

export async function uninstallService(ctx: HostContext): Promise<ServiceReport> {
  const p = await probe(ctx);
  const names = [TMUX_UNIT, RESUME_UNIT];
  const before = await Promise.all(names.map((n) => ctx.host.exists(posix.join(p.dir, n))));
  await ctx.host.exec(['sh', '-c', UNLINK_SCRIPT, 'sh', p.dir, ...names]);
  const manager = await reload(ctx);
  return {
    host: ctx.host.name,
    dir: p.dir,
    units: names.map((n, i) => ({ file: posix.join(p.dir, n), state: before[i] ? 'removed' : 'absent' })),
    enabled: false,
    manager,
    linger: p.linger,
    // Removing the units never stops the running tmux server: the agents keep running.
    notes: ['the running tmux server and its agents were left running'],
  };
}

export async function serviceStatus(ctx: HostContext, opts: ServiceOptions = {}): Promise<ServiceReport> {
  const p = await probe(ctx);
  const files = await generated(ctx, p, opts);
  const report: UnitStatus[] = [];
  for (const name of [TMUX_UNIT, RESUME_UNIT]) {
    const file = posix.join(p.dir, name);
    const now = await readOr(ctx, file);
    const want = files.get(name);
    report.push({ file, state: now === null ? 'absent' : now === want ? 'installed' : 'outdated' });
  }
  const enabled = await ctx.host.exists(posix.join(p.dir, 'default.target.wants', TMUX_UNIT));
  const manager = (
    await ctx.host.exec(['systemctl', '--user', 'is-system-running']).catch(() => null)
  )?.stdout.trim();
  const notes = [
    ...(report.some((u) => u.state === 'outdated')
      ? ['a unit differs from what install writes now: run orchard service install']
      : []),
    ...lingerNote(p),
  ];
  return {
    host: ctx.host.name,
    dir: p.dir,
    units: report,
    enabled,
    manager: !!manager && manager !== 'offline',
    linger: p.linger,
    notes,
  };
}
