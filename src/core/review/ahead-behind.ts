// Ahead/behind of each session's branch against its base, for `orchard ls` and the cards. The
// session list is polled every second, so: one `git for-each-ref` per repo reads every tip, and the
// counts are recomputed (one process for all of them) only for pairs whose tips moved.
// Bases and branches reach git only as arguments; the counting script is fixed text.
import type { SessionInfo } from '../../shared/model.ts';
import type { Host } from '../hosts/host.ts';

const SCRIPT = [
  'cd -- "$1" || exit 1; shift',
  'while [ $# -ge 2 ]; do',
  '  git rev-list --left-right --count "$1...$2" 2>/dev/null || echo x',
  '  shift 2',
  'done',
].join('\n');

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const cache = new Map<string, { ahead: number; behind: number }>();
const CACHE_MAX = 10_000;

function tipOf(tips: Map<string, string>, rev: string): string | undefined {
  if (SHA.test(rev)) return rev;
  return tips.get(`refs/heads/${rev}`) ?? tips.get(`refs/remotes/${rev}`) ?? tips.get(`refs/tags/${rev}`);
}

export async function aheadBehind(host: Host, repoPath: string, sessions: SessionInfo[]): Promise<void> {
  const list = sessions.filter((s) => s.base);
  if (!list.length) return;
  const refs = await host.exec(
    [
      'git',
      '-C',
      repoPath,
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      'refs/heads',
      'refs/remotes',
      'refs/tags',
    ],
    { env: { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } },
  );
  if (refs.code !== 0) return;
  const tips = new Map<string, string>();
  for (const line of refs.stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0) tips.set(line.slice(sp + 1), line.slice(0, sp));
  }
  const todo: Array<{ s: SessionInfo; key: string; base: string; head: string }> = [];
  for (const s of list) {
    const base = tipOf(tips, s.base!);
    const head = tips.get(`refs/heads/${s.branch}`);
    if (!base || !head) continue;
    const key = `${repoPath}\0${base}\0${head}`;
    const hit = cache.get(key);
    if (hit) Object.assign(s, hit);
    else todo.push({ s, key, base, head });
  }
  if (!todo.length) return;
  const r = await host.exec(['sh', '-c', SCRIPT, 'sh', repoPath, ...todo.flatMap((t) => [t.base, t.head])], {
    env: { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
  });
  const lines = r.stdout.split('\n');
  if (cache.size > CACHE_MAX) cache.clear();
  todo.forEach((t, i) => {
    const m = /^(\d+)\s+(\d+)$/.exec(lines[i] ?? '');
    if (!m) return;
    const v = { behind: Number(m[1]), ahead: Number(m[2]) };
    cache.set(t.key, v);
    Object.assign(t.s, v);
  });
}
