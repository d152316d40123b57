// Every command has a time limit: a `sleep` that outlives it is stopped with "timed out after N s:
// <command>", locally (the process is gone) and over the test sshd (the channel is closed and its
// slot comes back once the command, killed by its PID, is gone). And a remote write on a full disk
// says so.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EXEC_TIMEOUT_MS, execTimeout } from '../../src/core/hosts/host.ts';
import { LocalHost } from '../../src/core/hosts/local.ts';
import type { SshHost } from '../../src/core/ssh/ssh-host.ts';
import { waitFor } from '../helpers/env.ts';
import { useSshEnv } from '../helpers/sshd.ts';

const ssh = useSshEnv();

/** Processes whose command line is exactly `sleep <arg>` (a unique arg marks this test's). */
function sleeping(arg: string): number {
  try {
    return execFileSync('pgrep', ['-f', '-x', `sleep ${arg}`], { encoding: 'utf8' })
      .trim()
      .split('\n').length;
  } catch {
    return 0;
  }
}

describe('exec time limits', () => {
  test('a default limit applies to every command; 0 turns it off', () => {
    expect(EXEC_TIMEOUT_MS).toBe(120_000);
    expect(execTimeout({})).toBe(EXEC_TIMEOUT_MS);
    expect(execTimeout({ timeoutMs: 10_000 })).toBe(10_000);
    expect(execTimeout({ timeoutMs: 0 })).toBe(0);
  });

  test('locally: the process is stopped and the error names the command', async () => {
    const host = new LocalHost();
    const started = Date.now();
    await expect(host.exec(['sleep', '41.5'], { timeoutMs: 700 })).rejects.toThrow(
      /^timed out after 0\.7 s: sleep 41\.5$/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(sleeping('41.5')).toBe(0);
    // A grandchild holding the pipes does not hold exec.
    await expect(
      host.exec(['sh', '-c', 'sleep 42.5 & sleep 43.5; wait'], { timeoutMs: 700 }),
    ).rejects.toThrow(/timed out after 0\.7 s: sh -c/);
    execFileSync('pkill', ['-f', '-x', 'sleep 42.5']);
    // Within its limit a command is untouched.
    expect((await host.exec(['sh', '-c', 'echo ok'], { timeoutMs: 5000 })).stdout).toBe('ok\n');
  });

  test('over SSH: the channel is closed, the error names the command and the host', async () => {
    const { env, hostName } = ssh.env;
    const host = (await env.engine.hosts.get(hostName)).host as SshHost;
    await host.exec(['true']);
    const before = host.usage.channels;
    const started = Date.now();
    await expect(host.exec(['sleep', '44.5'], { timeoutMs: 1000 })).rejects.toThrow(
      new RegExp(`^timed out after 1 s on ${hostName}: sleep 44\\.5$`),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitFor(() => host.usage.channels === before, 10_000, 'the channel given back');
    // Killed by its PID (sshd ignores signal requests for root): nothing keeps sleeping there.
    await waitFor(() => sleeping('44.5') === 0, 10_000, 'the remote sleep killed');
    // The connection still works for the next command.
    expect((await host.exec(['echo', 'after'])).stdout).toBe('after\n');
  });
});

describe('a full disk on the host', () => {
  test('a remote write says "no space left on <mount> (N MB free)" and leaves no temp file', async (ctx) => {
    const { env, hostName } = ssh.env;
    const mnt = join(env.dir, 'full');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (e) {
      ctx.skip(`cannot mount a tmpfs here: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
    }
    try {
      const host = (await env.engine.hosts.get(hostName)).host;
      await expect(host.writeFile(join(mnt, 'big.json'), 'x'.repeat(2 * 1024 * 1024))).rejects.toThrow(
        new RegExp(`^no space left on ${mnt} \\(\\d+ MB free\\) writing ${mnt}/big\\.json on ${hostName}$`),
      );
      expect(readdirSync(mnt)).toEqual([]);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});
