// New worktrees ready to work, on this machine and over a real sshd with the same assertions:
// .worktreeinclude copies exactly the ignored matches (negation, tracked file, symlink out of the
// repo), a committed .orchard/setup runs only once trusted (and asks again when it changes), the
// setup runs in the pane before the agent (visible, failure kept on screen, retry / skip), hostile
// paths run nothing else, teardown before removal, worktree sizes as du says, the disk reserve.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SessionInfo } from '../../src/shared/model.ts';
import { setupAction, trustRepo } from '../../src/core/sessions/setup.ts';
import { updateRepoConfig } from '../../src/core/sessions/scripts.ts';
import { resolveRepo } from '../../src/core/repos.ts';
import { git, makeRepo, pwnedFiles, runCli, waitFor } from '../helpers/env.ts';
import { useSshEnv } from '../helpers/sshd.ts';

const ssh = useSshEnv();

async function setRepo(ref: string, fn: Parameters<typeof updateRepoConfig>[2]): Promise<void> {
  const e = ssh.env.env.engine;
  await updateRepoConfig(e.store, await resolveRepo(await e.store.read(), e.hosts, ref), fn);
}

function commitFile(repo: string, path: string, content: string, mode = 0o644): void {
  mkdirSync(join(repo, path, '..'), { recursive: true });
  writeFileSync(join(repo, path), content, { mode });
  git(repo, 'add', '--', path);
  git(repo, 'commit', '-q', '-m', `add ${path}`);
}

const screen = (id: string) => ssh.env.env.engine.capture(id);

async function until(id: string, pred: (s: SessionInfo, screen: string) => boolean, what: string) {
  return waitFor(
    async () => {
      // Screen first: what the state says is then at least as new as what the screen shows.
      const text = await screen(id);
      const s = await ssh.env.env.engine.find(id);
      return pred(s, text) ? { s, text } : undefined;
    },
    20_000,
    what,
  );
}

for (const where of ['local', 'ssh'] as const) {
  describe(`${where}`, () => {
    const ref = (path: string) => (where === 'local' ? path : ssh.env.repoRef(path));
    const dir = () => join(ssh.env.env.dir, where);

    test('.worktreeinclude: exactly the ignored matches are copied, modes kept; tracked and outside links are not', async () => {
      const t = ssh.env.env;
      mkdirSync(dir(), { recursive: true });
      const repo = makeRepo(dir(), 'inc');
      writeFileSync(join(repo, '.gitignore'), '.env*\nconfig/*.local.json\nnotes.txt\nlink-*\n');
      writeFileSync(
        join(repo, '.worktreeinclude'),
        '# copied into new worktrees\n.env*\n!.env.example\nconfig/*.local.json\nlink-*\nfree.txt\n',
      );
      mkdirSync(join(repo, 'config'));
      writeFileSync(join(repo, 'config/tracked.local.json'), 'committed\n');
      git(repo, 'add', '-f', '--', '.gitignore', '.worktreeinclude', 'config/tracked.local.json');
      git(repo, 'commit', '-q', '-m', 'ignore rules, include rules, a tracked local config');
      writeFileSync(join(repo, 'config/tracked.local.json'), 'modified in main\n');
      writeFileSync(join(repo, '.env'), 'SECRET=1\n', { mode: 0o600 });
      writeFileSync(join(repo, '.env.local'), 'LOCAL=1\n');
      writeFileSync(join(repo, '.env.example'), 'EXAMPLE=1\n');
      writeFileSync(join(repo, 'config/app.local.json'), '{"a":1}\n');
      writeFileSync(join(repo, 'notes.txt'), 'ignored, not included\n');
      writeFileSync(join(repo, 'free.txt'), 'included, not ignored\n');
      symlinkSync('/etc/hostname', join(repo, 'link-out'));
      symlinkSync('.env.local', join(repo, 'link-in'));
      // The config's own patterns add to the file's.
      writeFileSync(join(repo, 'notes.txt'), 'now included by config\n');
      await setRepo(ref(repo), (r) => (r.include = ['notes.txt']));

      const s = await t.engine.spawn({
        repo: ref(repo),
        branch: 'inc',
        newBranch: true,
        command: 'sleep 60',
      });
      const wt = s.worktree;
      const listed = execFileSync(
        'sh',
        ['-c', 'cd "$1" && find . -path ./.git -prune -o \\( -type f -o -type l \\) -print | sort', 'x', wt],
        {
          encoding: 'utf8',
        },
      );
      expect(listed.trim().split('\n')).toEqual(
        [
          './.env',
          './.env.local',
          './.gitignore',
          './.worktreeinclude',
          './config/app.local.json',
          './config/tracked.local.json',
          './link-in',
          './notes.txt',
        ].sort(),
      );
      expect(readFileSync(join(wt, '.env'), 'utf8')).toBe('SECRET=1\n');
      expect(statSync(join(wt, '.env')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(wt, 'config/tracked.local.json'), 'utf8')).toBe('committed\n');
      expect(lstatSync(join(wt, 'link-in')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(wt, 'link-in'))).toBe('.env.local');
      expect(existsSync(join(wt, 'link-out'))).toBe(false);
      await t.engine.kill(s.id);
    });

    test('a committed .orchard/setup runs only once trusted, in the pane before the agent; a change asks again', async () => {
      const t = ssh.env.env;
      const repo = makeRepo(dir(), 'trust');
      const gate = join(dir(), 'trust-gate');
      commitFile(
        repo,
        '.orchard/setup',
        `#!/bin/sh\necho "SETUP-RUNNING on $ORCHARD_BRANCH from $ORCHARD_BASE"\n` +
          `while [ ! -e "$ORCHARD_REPO_PATH/../trust-gate" ]; do sleep 0.1; done\n` +
          `echo "$ORCHARD_SESSION_ID" > "$ORCHARD_WORKTREE/.setup-ran"\n`,
        0o755,
      );
      const spawn = (branch: string) =>
        t.engine.spawn({ repo: ref(repo), branch, newBranch: true, command: 'echo AGENT-STARTED; sleep 60' });
      await expect(spawn('a')).rejects.toMatchObject({ code: 'setup-untrusted' });
      // Refused before anything was made.
      expect(existsSync(join(dir(), 'trust.worktrees', 'a'))).toBe(false);

      await trustRepo(t.engine, ref(repo));
      const s = await spawn('a');
      const running = await until(
        s.id,
        (x, text) => text.includes('SETUP-RUNNING on a from main'),
        'setup output',
      );
      expect(running.s).toMatchObject({ state: 'starting', reason: 'setup', setup: 'running' });
      expect(running.text).not.toContain('AGENT-STARTED');
      // The CLI shows the same screen.
      const cap = await runCli(['capture', s.id], t.env);
      expect(cap.stdout).toContain('SETUP-RUNNING');
      writeFileSync(gate, '');
      const done = await until(s.id, (_x, text) => text.includes('AGENT-STARTED'), 'the agent after setup');
      expect(done.s.setup).toBeUndefined();
      expect(done.s.reason).not.toBe('setup');
      expect(readFileSync(join(s.worktree, '.setup-ran'), 'utf8').trim()).toBe(s.id);
      // The setup's files in Orchard's folder on the host are gone once the agent runs.
      const orchardDir = where === 'local' ? t.home : join(ssh.sshd.remoteHome, '.orchard');
      expect(existsSync(join(orchardDir, 'setup'))).toBe(true);
      expect(existsSync(join(orchardDir, 'setup', s.id))).toBe(false);
      await t.engine.kill(s.id);

      commitFile(repo, '.orchard/setup', '#!/bin/sh\necho changed\n', 0o755);
      await expect(spawn('b')).rejects.toMatchObject({ code: 'setup-untrusted' });
    });

    test('a failing setup: "setup failed (exit 3)", output kept, agent never started; retry runs it again', async () => {
      const t = ssh.env.env;
      const repo = makeRepo(dir(), 'fail');
      const marker = join(dir(), 'fail-agent-started');
      const ok = join(dir(), 'fail-ok');
      await setRepo(ref(repo), (r) => {
        r.setup = `echo SETUP-ATTEMPT; [ -e '${ok}' ] || { echo 'it broke' >&2; exit 3; }`;
      });
      const s = await t.engine.spawn({
        repo: ref(repo),
        branch: 'f',
        newBranch: true,
        command: `touch '${marker}'; echo AGENT-STARTED; sleep 60`,
      });
      const failed = await until(s.id, (x) => x.setup === 'failed', 'the setup to fail');
      expect(failed.s).toMatchObject({ state: 'waiting', reason: 'error', detail: 'setup failed (exit 3)' });
      expect(failed.text).toContain('it broke');
      expect(failed.text).toContain('setup failed (exit 3)');
      await new Promise((r) => setTimeout(r, 500));
      expect(existsSync(marker)).toBe(false);
      expect((await t.engine.find(s.id)).setup).toBe('failed');

      // Retry, still failing: fails again; then fixed: the agent starts.
      await setupAction(t.engine, s.id, 'retry');
      await until(
        s.id,
        (x, text) => x.setup === 'failed' && text.split('SETUP-ATTEMPT').length > 2,
        'a second failure',
      );
      writeFileSync(ok, '');
      const r = await runCli(['setup', s.id, '--retry'], t.env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      await until(s.id, (_x, text) => text.includes('AGENT-STARTED'), 'the agent after a retry');
      expect(existsSync(marker)).toBe(true);
      await expect(setupAction(t.engine, s.id, 'skip')).rejects.toThrow(/no failed setup/);
      await t.engine.kill(s.id);
    });

    test('skip: the agent starts without a setup that keeps failing', async () => {
      const t = ssh.env.env;
      const repo = makeRepo(dir(), 'skip');
      // Through the CLI: repo set, then repo plan says what a spawn will do.
      const set = await runCli(['repo', 'set', ref(repo), '--setup', 'exit 7', '--include', '.env'], t.env);
      expect(set.stderr).toBe('');
      const plan = await runCli(['repo', 'plan', ref(repo), 'k', '--new', '--json'], t.env);
      expect(JSON.parse(plan.stdout)).toMatchObject({ setup: { command: 'exit 7' }, include: { count: 0 } });
      const s = await t.engine.spawn({
        repo: ref(repo),
        branch: 'k',
        newBranch: true,
        command: 'echo AGENT-STARTED; sleep 60',
      });
      await until(s.id, (x) => x.detail === 'setup failed (exit 7)', 'exit 7');
      await setupAction(t.engine, s.id, 'skip');
      await until(s.id, (_x, text) => text.includes('AGENT-STARTED'), 'the agent after skip');
      await t.engine.kill(s.id);
    });

    test('hostile repo path and branch: setup and copy run, nothing else does', async () => {
      const t = ssh.env.env;
      const parent = join(dir(), "it's $(touch pwned-a) ;touch pwned-b");
      mkdirSync(parent, { recursive: true });
      const repo = makeRepo(parent, 'r`touch pwned-c`');
      writeFileSync(join(repo, '.gitignore'), '.env\n');
      writeFileSync(join(repo, '.worktreeinclude'), '.env\n');
      writeFileSync(join(repo, '.env'), 'X=1\n');
      commitFile(repo, '.orchard/setup', '#!/bin/sh\necho ok > "$ORCHARD_WORKTREE/setup-ok"\n', 0o755);
      await trustRepo(t.engine, ref(repo));
      await setRepo(ref(repo), (r) => (r.teardown = 'true'));
      const s = await t.engine.spawn({
        repo: ref(repo),
        branch: 'x$(touch${IFS}pwned-d)',
        newBranch: true,
        command: 'echo AGENT-STARTED; sleep 60',
      });
      await until(s.id, (_x, text) => text.includes('AGENT-STARTED'), 'the agent');
      expect(readFileSync(join(s.worktree, 'setup-ok'), 'utf8')).toBe('ok\n');
      expect(readFileSync(join(s.worktree, '.env'), 'utf8')).toBe('X=1\n');
      const k = await t.engine.kill(s.id, { removeWorktree: true, force: true });
      expect(k.worktreeRemoved).toBe(true);
      expect(pwnedFiles(t.dir)).toEqual([]);
      expect(pwnedFiles(process.cwd())).toEqual([]);
    });

    test('teardown runs before the worktree is removed; a failing one refuses without --force', async () => {
      const t = ssh.env.env;
      const repo = makeRepo(dir(), 'td');
      const log = join(dir(), 'td-log');
      await setRepo(
        ref(repo),
        (r) =>
          (r.teardown = `echo "bye $ORCHARD_BRANCH $(test -d "$ORCHARD_WORKTREE" && echo present)" >> '${log}'`),
      );
      const a = await t.engine.spawn({
        repo: ref(repo),
        branch: 'one',
        newBranch: true,
        command: 'sleep 60',
      });
      const ka = await t.engine.kill(a.id, { removeWorktree: true });
      expect(ka).toMatchObject({ worktreeRemoved: true, teardown: { code: 0 } });
      expect(readFileSync(log, 'utf8')).toBe('bye one present\n');
      expect(existsSync(a.worktree)).toBe(false);

      await setRepo(ref(repo), (r) => (r.teardown = "echo 'cannot stop the db'; exit 4"));
      const b = await t.engine.spawn({
        repo: ref(repo),
        branch: 'two',
        newBranch: true,
        command: 'sleep 60',
      });
      const cli = await runCli(['kill', b.id, '--remove-worktree'], t.env);
      expect(cli.code).not.toBe(0);
      expect(cli.stderr).toMatch(/teardown failed \(exit 4\)[\s\S]*cannot stop the db/);
      expect((await t.engine.find(b.id)).state).not.toBe('exited');
      expect(existsSync(b.worktree)).toBe(true);
      const forced = await runCli(['kill', b.id, '--remove-worktree', '--force', '--json'], t.env);
      expect(forced.code).toBe(0);
      expect(JSON.parse(forced.stdout)).toMatchObject({ worktreeRemoved: true, teardown: { code: 4 } });
      expect(existsSync(b.worktree)).toBe(false);
    });

    test('a committed .orchard/teardown runs only once trusted', async () => {
      const t = ssh.env.env;
      const repo = makeRepo(dir(), 'tdc');
      const mark = join(dir(), 'tdc-ran');
      commitFile(repo, '.orchard/teardown', `#!/bin/sh\necho "$ORCHARD_SESSION_ID" >> '${mark}'\n`, 0o755);
      const a = await t.engine.spawn({
        repo: ref(repo),
        branch: 'one',
        newBranch: true,
        command: 'sleep 60',
      });
      const ka = await t.engine.kill(a.id, { removeWorktree: true });
      expect(ka).toMatchObject({ worktreeRemoved: true, teardown: { untrusted: '.orchard/teardown' } });
      expect(existsSync(mark)).toBe(false);
      await trustRepo(t.engine, ref(repo));
      const b = await t.engine.spawn({
        repo: ref(repo),
        branch: 'two',
        newBranch: true,
        command: 'sleep 60',
      });
      const kb = await t.engine.kill(b.id, { removeWorktree: true });
      expect(kb).toMatchObject({ worktreeRemoved: true, teardown: { code: 0 } });
      expect(readFileSync(mark, 'utf8')).toBe(`${b.id}\n`);
    });

    test('disk: orchard stats --json gives each Orchard worktree its size, within 5 % of du -sk', async () => {
      const t = ssh.env.env;
      const repo = makeRepo(dir(), 'du');
      const s = await t.engine.spawn({
        repo: ref(repo),
        branch: 'big',
        newBranch: true,
        command: 'sleep 60',
      });
      writeFileSync(join(s.worktree, 'blob.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
      const r = await runCli(['stats', '--json'], t.env);
      expect(r.stderr).toBe('');
      const stats = JSON.parse(r.stdout) as { sessions: Array<{ id: string; disk?: number }> };
      const disk = stats.sessions.find((x) => x.id === s.id)?.disk;
      const du = Number(execFileSync('du', ['-sk', s.worktree], { encoding: 'utf8' }).split('\t')[0]) * 1024;
      expect(disk).toBeGreaterThan(3 * 1024 * 1024);
      expect(Math.abs(disk! - du) / du).toBeLessThan(0.05);
      await t.engine.kill(s.id);
    });

    test('disk reserve: a spawn making a worktree on a small tmpfs is refused; --force spawns', async (ctx) => {
      const t = ssh.env.env;
      const mnt = join(dir(), 'small-fs');
      mkdirSync(mnt, { recursive: true });
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', mnt], { stdio: 'ignore' });
      } catch {
        ctx.skip(); // not root: the unit test covers the decision with a fake df
        return;
      }
      try {
        const repo = makeRepo(mnt, 'small');
        const refused = await runCli(['spawn', ref(repo), 'b', '--new', '--command', 'sleep 60'], t.env);
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toMatch(
          /not enough disk on .* for a new worktree .* free on .*small-fs.*Orchard keeps 5G free.*--force/,
        );
        expect(existsSync(join(mnt, 'small.worktrees', 'b'))).toBe(false);
        const forced = await runCli(
          ['spawn', ref(repo), 'b', '--new', '--command', 'sleep 60', '--force', '--json'],
          t.env,
        );
        expect(forced.stderr).toBe('');
        const s = JSON.parse(forced.stdout) as { id: string };
        await t.engine.kill(s.id, { removeWorktree: true, force: true });
      } finally {
        execFileSync('umount', ['-l', mnt]);
      }
    });
  });
}
