// Transcripts: every session's pane output is piped (tmux pipe-pane) to a log on its host, escape
// sequences stripped, capped with one rotation, readable with `orchard log` (also --follow, --grep,
// --tail) while the session runs and after it is killed. Local and over a real sshd.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TRANSCRIPT_CAP } from '../../src/core/sessions/transcript.ts';
import { CLI, makeRepo, runCli, waitFor } from '../helpers/env.ts';
import { useSshEnv } from '../helpers/sshd.ts';

const ssh = useSshEnv();

describe.each(['local', 'ssh'] as const)('%s', (kind) => {
  const repoRef = (p: string) => (kind === 'ssh' ? ssh.env.repoRef(p) : p);
  const logsDir = () =>
    kind === 'ssh' ? join(ssh.sshd.remoteHome, '.orchard', 'logs') : join(ssh.env.env.home, 'logs');

  test('orchard log shows what the agent printed, without escape sequences; kept after kill', async () => {
    const t = ssh.env.env;
    const path = makeRepo(t.dir, `repo-${kind}`);
    const s = await t.engine.spawn({ repo: repoRef(path), branch: 'talk', newBranch: true });
    await waitFor(async () => (await t.engine.find(s.id)).state === 'idle', 15_000, 'agent ready');
    await t.engine.send(s.id, 'hello transcript');
    const log = await waitFor(
      async () => {
        const r = await runCli(['log', s.id], t.env);
        return r.stdout.includes('You said: hello transcript') ? r : undefined;
      },
      10_000,
      'the reply in the log',
    );
    expect(log.code).toBe(0);
    expect(log.stdout).toContain('Welcome to Fake Claude Code!');
    // eslint-disable-next-line no-control-regex -- the point: no escape or control bytes
    expect(log.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    const grep = await runCli(['log', s.id, '--grep', 'You said', '--tail', '1'], t.env);
    expect(grep.stdout).toBe('● You said: hello transcript\n');
    // Private: 0600 in a 0700 folder.
    expect(statSync(logsDir()).mode & 0o777).toBe(0o700);
    expect(statSync(join(logsDir(), `${s.id}.log`)).mode & 0o777).toBe(0o600);

    // --follow streams what comes next.
    const follow = spawn(process.execPath, [CLI, 'log', s.id, '--follow', '--tail', '0'], { env: t.env });
    let out = '';
    follow.stdout.on('data', (d) => (out += d));
    await new Promise((r) => setTimeout(r, 1500));
    await t.engine.send(s.id, 'while following');
    await waitFor(() => out.includes('You said: while following'), 10_000, 'the followed line');
    follow.kill('SIGINT');

    await t.engine.kill(s.id);
    const after = await runCli(['log', s.id, '--grep', 'hello'], t.env);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('You said: hello transcript');
    const none = await runCli(['log', 'abcdef12'], t.env);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/no session or transcript/);
  });

  test('50 MB of output: the log rotates and stays under its cap', async () => {
    const t = ssh.env.env;
    const path = makeRepo(t.dir, `flood-${kind}`);
    const s = await t.engine.spawn({
      repo: repoRef(path),
      branch: 'flood',
      newBranch: true,
      command: "head -c 50000000 /dev/zero | tr '\\0' 'x' | fold -w 99; echo; echo FLOOD-DONE; sleep 600",
    });
    const log = join(logsDir(), `${s.id}.log`);
    await waitFor(
      async () => (await runCli(['log', s.id, '--tail', '1'], t.env)).stdout === 'FLOOD-DONE\n',
      120_000,
      'the end of the flood in the log',
    );
    const size = (f: string) => statSync(f).size;
    expect(size(`${log}.1`)).toBeLessThanOrEqual(TRANSCRIPT_CAP + 200);
    expect(size(log)).toBeLessThanOrEqual(TRANSCRIPT_CAP + 200);
    expect(size(`${log}.1`)).toBeGreaterThan(TRANSCRIPT_CAP / 2);
    await t.engine.kill(s.id);
  }, 180_000);
});
