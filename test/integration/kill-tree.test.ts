// kill ends the session's whole process tree: the pane's processes, a daemon that left the pane's
// process group and session (setsid, as Codex's app-server does), and a daemon already re-parented
// to init that carries the session's ORCHARD_SESSION_ID, in a real tmux pane with real processes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { HostContext } from '../../src/core/hosts/registry.ts';
import { LocalHost } from '../../src/core/hosts/local.ts';
import { killProcessTree } from '../../src/core/sessions/kill-tree.ts';

const dir = mkdtempSync(join(tmpdir(), 'orchard-killtree-'));
const sock = join(dir, 'tmux.sock');
const tmux = (...a: string[]) => execFileSync('tmux', ['-S', sock, '-f', '/dev/null', ...a]).toString();
/** Alive: the process exists and is not a zombie (init in a container may never reap one). */
const alive = (pid: number) => {
  try {
    return !/^Z/.test(
      execFileSync('ps', ['-o', 'stat=', '-p', String(pid)])
        .toString()
        .trim(),
    );
  } catch {
    return false;
  }
};
const pidsOf = (args: string) =>
  execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'args='])
    .toString()
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
    .filter((m) => m && m[2]!.trim() === args)
    .map((m) => Number(m![1]));

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    /* gone */
  }
  rmSync(dir, { recursive: true, force: true });
});

test('the pane, a setsid daemon and an orphaned daemon of the session all end; another session is untouched', async () => {
  const id = `kt${process.pid}`;
  // An orphan started before (its parent gone): found only by its ORCHARD_SESSION_ID.
  execFileSync('sh', ['-c', '(setsid sleep 3001 >/dev/null 2>&1 &) ; exit 0'], {
    env: { ...process.env, ORCHARD_SESSION_ID: id },
  });
  // Another session's daemon: must survive.
  execFileSync('sh', ['-c', '(setsid sleep 3002 >/dev/null 2>&1 &) ; exit 0'], {
    env: { ...process.env, ORCHARD_SESSION_ID: 'other' },
  });
  tmux(
    'new-session',
    '-d',
    '-s',
    's',
    '-e',
    `ORCHARD_SESSION_ID=${id}`,
    'sh -c "setsid sleep 3003 & trap \\"\\" TERM; sleep 3004"',
  );
  await new Promise((r) => setTimeout(r, 500));
  const pane = Number(tmux('display-message', '-p', '-t', 's', '#{pane_pid}').trim());
  const mine = [...pidsOf('sleep 3001'), ...pidsOf('sleep 3003'), ...pidsOf('sleep 3004')];
  const theirs = pidsOf('sleep 3002');
  expect(mine).toHaveLength(3);
  expect(theirs).toHaveLength(1);
  const ctx = { host: new LocalHost() } as unknown as HostContext;
  const r = await killProcessTree(ctx, pane, id);
  const ended = r.processes.map((p) => p.pid);
  expect(ended).toEqual(expect.arrayContaining([pane, ...mine]));
  expect(ended).not.toContain(theirs[0]);
  await new Promise((r) => setTimeout(r, 300));
  for (const p of [pane, ...mine]) expect(alive(p), `pid ${p} still alive`).toBe(false);
  expect(alive(theirs[0]!)).toBe(true);
  process.kill(theirs[0]!, 'SIGKILL');
  // The process that ignored SIGTERM (the pane's sh traps it) needed SIGKILL... or died with its
  // children: either way it is gone, and what needed force is said.
  expect(r.forced.every((p) => ended.includes(p))).toBe(true);
});
