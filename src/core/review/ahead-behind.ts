// Ahead/behind of each session's branch against its base, for `orchard ls` and the cards: ONE
// process per repo whatever the number of sessions (the session list is polled every second).
// A fixed script; bases and branches reach it only as positional arguments.
import type { SessionInfo } from '../../shared/model.ts';
import type { Host } from '../hosts/host.ts';

const SCRIPT = [
  'cd -- "$1" || exit 1; shift',
  'while [ $# -ge 2 ]; do',
  '  git rev-list --left-right --count --end-of-options "$1...$2" 2>/dev/null || echo x',
  '  shift 2',
  'done',
].join('\n');

export async function aheadBehind(host: Host, repoPath: string, sessions: SessionInfo[]): Promise<void> {
  // Names that look like options or hold "..." cannot be a range's ends: leave those sessions out.
  const ok = (r: string) => !!r && !r.startsWith('-') && !r.includes('...');
  const list = sessions.filter((s) => s.base && ok(s.base) && ok(s.branch));
  if (!list.length) return;
  const args = list.flatMap((s) => [s.base!, `refs/heads/${s.branch}`]);
  const r = await host.exec(['sh', '-c', SCRIPT, 'sh', repoPath, ...args], {
    env: { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
  });
  if (r.code !== 0) return;
  const lines = r.stdout.split('\n');
  list.forEach((s, i) => {
    const m = /^(\d+)\s+(\d+)$/.exec(lines[i] ?? '');
    if (!m) return;
    s.behind = Number(m[1]);
    s.ahead = Number(m[2]);
  });
}
