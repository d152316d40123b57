// Which limit backend a host offers, probed once per host, best first: a systemd user manager
// (systemd-run --user --scope), a writable cgroup v2 subtree with memory+cpu, a writable cgroup v1
// hierarchy with the memory and cpu controllers, else soft limits (Orchard watches and stops the
// tree itself). Never sudo. Two execs per host, once: the facts, then a mkdir test of the candidates.
import type { LimitBackend } from '../../shared/model.ts';
import type { Host } from '../hosts/host.ts';
import { splitSections } from '../monitor/parse.ts';

/** Constant; prints what the host has. The systemd test really starts a tiny scope. */
export const FACTS_SCRIPT = [
  'LC_ALL=C; export LC_ALL',
  'if command -v systemd-run >/dev/null 2>&1 && systemd-run --user --scope --quiet -p MemoryMax=1G -p CPUQuota=100% true >/dev/null 2>&1; then echo "@systemd yes"; else echo "@systemd no"; fi',
  'echo @mounts; grep -E "^[^ ]+ [^ ]+ cgroup2? " /proc/self/mounts 2>/dev/null',
  'echo @self; cat /proc/self/cgroup 2>/dev/null',
  'echo @controllers',
  'for m in $(awk \'$3 == "cgroup2" { print $2 }\' /proc/self/mounts 2>/dev/null); do printf "%s %s\\n" "$m" "$(cat "$m/cgroup.controllers" 2>/dev/null)"; done',
  'echo @end',
].join('\n');

/** Constant; the candidate base directories are positional parameters. Prints the writable ones. */
export const WRITABLE_SCRIPT =
  'for d; do if mkdir -p -- "$d" 2>/dev/null && [ -w "$d" ]; then printf "%s\\n" "$d"; fi; done';

export interface CgroupMount {
  version: 1 | 2;
  path: string;
  /** v1: the controllers mounted there (from the mount options); v2: cgroup.controllers. */
  controllers: string[];
}

export interface LimitFacts {
  systemd: boolean;
  mounts: CgroupMount[];
  /** The probing process's own cgroup per v1 controller, and '' → v2 path. */
  self: Map<string, string>;
}

const V1_OPTS = new Set([
  'rw',
  'ro',
  'relatime',
  'noatime',
  'nosuid',
  'nodev',
  'noexec',
  'nsdelegate',
  'memory_recursiveprot',
]);

export function parseFacts(out: string): LimitFacts {
  const s = splitSections(out);
  const v2controllers = new Map<string, string[]>();
  for (const line of (s.get('controllers') ?? '').split('\n')) {
    const [path, ...ctl] = line.trim().split(/\s+/);
    if (path) v2controllers.set(path, ctl);
  }
  const mounts: CgroupMount[] = [];
  for (const line of (s.get('mounts') ?? '').split('\n')) {
    const [, path, type, opts] = line.split(' ');
    if (!path || !type) continue;
    if (type === 'cgroup2') mounts.push({ version: 2, path, controllers: v2controllers.get(path) ?? [] });
    else if (type === 'cgroup') {
      const controllers = (opts ?? '').split(',').filter((o) => !V1_OPTS.has(o) && !o.includes('='));
      mounts.push({ version: 1, path, controllers });
    }
  }
  const self = new Map<string, string>();
  for (const line of (s.get('self') ?? '').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const c of m[1]!.split(',')) self.set(c, m[2]!);
  }
  return { systemd: s.get('systemd')?.trim() === 'yes', mounts, self };
}

export interface LimitProbe {
  backend: LimitBackend;
  /** One line for `orchard host info` and the UI. */
  detail: string;
  /** cgroup2: the base directory sessions go under. */
  unified?: string;
  /** cgroup1: the bases in the memory and cpu hierarchies. */
  memory?: string;
  cpu?: string;
}

const join = (a: string, b: string) =>
  `${a.replace(/\/+$/, '')}/${b.replace(/^\/+/, '')}`.replace(/\/+$/, '');

/** Where Orchard would put its cgroups, best first: the hierarchy's root, then its own cgroup. */
export function candidateBases(facts: LimitFacts): string[] {
  const out: string[] = [];
  const useful = (m: CgroupMount) =>
    m.version === 2
      ? m.controllers.includes('memory') && m.controllers.includes('cpu')
      : m.controllers.includes('memory') || m.controllers.includes('cpu');
  for (const m of facts.mounts.filter(useful)) {
    const own = m.version === 2 ? facts.self.get('') : facts.self.get(m.controllers[0] ?? '');
    out.push(join(m.path, 'orchard'));
    if (own && own !== '/') out.push(join(join(m.path, own), 'orchard'));
  }
  return [...new Set(out)];
}

/** Pure: the best backend given the facts and which candidate bases proved writable. */
export function chooseBackend(facts: LimitFacts, writable: ReadonlySet<string>): LimitProbe {
  if (facts.systemd)
    return { backend: 'systemd', detail: 'systemd user scopes (systemd-run --user --scope)' };
  const bases = (m: CgroupMount) => candidateBases({ ...facts, mounts: [m] }).filter((b) => writable.has(b));
  for (const m of facts.mounts) {
    if (m.version !== 2 || !m.controllers.includes('memory') || !m.controllers.includes('cpu')) continue;
    const base = bases(m)[0];
    if (base) return { backend: 'cgroup2', detail: `cgroup v2 under ${base}`, unified: base };
  }
  const v1 = (c: string) => facts.mounts.find((m) => m.version === 1 && m.controllers.includes(c));
  const mem = v1('memory');
  const cpu = v1('cpu');
  const memBase = mem && bases(mem)[0];
  const cpuBase = cpu && bases(cpu)[0];
  if (memBase && cpuBase)
    return {
      backend: 'cgroup1',
      detail: `cgroup v1 under ${memBase} and ${cpuBase}`,
      memory: memBase,
      cpu: cpuBase,
    };
  return {
    backend: 'soft',
    detail:
      'soft limits: no systemd user manager and no writable cgroup; Orchard watches each session and stops its processes when it goes over (only while the app or orchard web runs)',
  };
}

export async function probeLimits(host: Host): Promise<LimitProbe> {
  const facts = parseFacts((await host.exec(['sh', '-c', FACTS_SCRIPT], { timeoutMs: 15_000 })).stdout);
  const candidates = facts.systemd ? [] : candidateBases(facts);
  let writable = new Set<string>();
  if (candidates.length) {
    const r = await host.exec(['sh', '-c', WRITABLE_SCRIPT, 'orchard-probe', ...candidates]);
    writable = new Set(r.stdout.split('\n').filter(Boolean));
  }
  return chooseBackend(facts, writable);
}

const cache = new WeakMap<Host, Promise<LimitProbe>>();

/** Probed once per host connection. */
export function hostLimits(host: Host): Promise<LimitProbe> {
  let p = cache.get(host);
  if (!p) {
    p = probeLimits(host);
    cache.set(host, p);
    p.catch(() => cache.delete(host));
  }
  return p;
}
