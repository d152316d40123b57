// `orchard service`: systemd user units generated for this machine and for an SSH host, checked by
// systemd's own `systemd-analyze verify`; install is idempotent; a host without systemd is told so.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI, makeRepo, runCli, waitFor } from '../helpers/env.ts';
import { makeSshd, makeSshEnv, useSshEnv, type Sshd, type SshTestEnv } from '../helpers/sshd.ts';

const ssh = useSshEnv();

/** An Exec line as systemd reads our quoted form (src/core/service/units.ts): "..." words, \\ \" $$ %%. */
function execArgv(unit: string, key: string): string[] {
  const line = new RegExp(`^${key}=(.*)$`, 'm').exec(unit)![1]!;
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) =>
    m[1]!.replace(/\\(.)/g, '$1').replace(/\$\$/g, '$').replace(/%%/g, '%'),
  );
}

/** The Environment= assignments of a unit, unquoted the same way. */
function envOf(unit: string): Record<string, string> {
  return Object.fromEntries(
    [...unit.matchAll(/^Environment="((?:[^"\\]|\\.)*)"$/gm)].map((m) => {
      const kv = m[1]!.replace(/\\(.)/g, '$1').replace(/%%/g, '%');
      return [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)];
    }),
  );
}

function verify(files: string[]): { code: number; out: string } {
  const r = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

describe('orchard service', () => {
  test('install (twice), status, uninstall on this machine; the units pass systemd-analyze verify', async () => {
    const t = ssh.env.env;
    // A home with characters systemd would otherwise read as specifiers, variables or quotes.
    const home = join(t.dir, `ho me%i$HOME"q\\`);
    const cfg = join(t.dir, 'xdg');
    const env = { ...t.env, ORCHARD_HOME: home, XDG_CONFIG_HOME: cfg };
    const first = await runCli(['service', 'install', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as {
      units: Array<{ file: string; state: string }>;
      notes: string[];
    };
    const dir = join(cfg, 'systemd', 'user');
    expect(report.units).toEqual([
      { file: join(dir, 'orchard-tmux.service'), state: 'written' },
      { file: join(dir, 'orchard-resume.service'), state: 'written' },
    ]);
    expect(report.notes.join('\n')).toMatch(/loginctl enable-linger/);
    const files = report.units.map((u) => u.file);
    const v = verify(files);
    expect(v.out).toBe('');
    expect(v.code).toBe(0);
    const resume = readFileSync(files[1]!, 'utf8');
    expect(resume).toContain('"resume" "--all" "--host" "local"');
    expect(resume).toContain(`Environment="ORCHARD_HOME=${t.dir}/ho me%%i$HOME\\"q\\\\"`);
    expect(readFileSync(files[0]!, 'utf8')).toMatch(/^Type=forking$/m);
    expect(readFileSync(files[0]!, 'utf8')).toContain(`"-L" "${t.socket}"`);
    // The tmux unit's ExecStart, run as systemd would: a server that stays up with no session.
    const start = execArgv(readFileSync(files[0]!, 'utf8'), 'ExecStart');
    const sock = `${t.socket}-unit`;
    start[start.indexOf(t.socket)] = sock;
    execFileSync(start[0]!, start.slice(1));
    await new Promise((r) => setTimeout(r, 500));
    expect(spawnSync('tmux', ['-L', sock, 'list-sessions']).status).toBe(0);
    const stop = execArgv(readFileSync(files[0]!, 'utf8'), 'ExecStop');
    stop[stop.indexOf(t.socket)] = sock;
    execFileSync(stop[0]!, stop.slice(1));
    // The resume unit's command and environment, run the same way: this orchard, this home.
    const unitEnv = envOf(resume);
    expect(unitEnv.ORCHARD_HOME).toBe(home);
    const run = execArgv(resume, 'ExecStart');
    const out = spawnSync(run[0]!, run.slice(1), { env: { ...unitEnv, HOME: t.dir }, encoding: 'utf8' });
    expect(out.stdout + out.stderr).toBe('no stopped sessions on local\n');
    for (const f of files)
      expect(statSync(join(dir, 'default.target.wants', f.split('/').pop()!)).isFile()).toBe(true);

    const mtimes = files.map((f) => statSync(f).mtimeMs);
    const again = await runCli(['service', 'install', '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as typeof report).units.map((u) => u.state)).toEqual([
      'unchanged',
      'unchanged',
    ]);
    expect(files.map((f) => statSync(f).mtimeMs)).toEqual(mtimes);

    const status = await runCli(['service', 'status', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({
      enabled: true,
      units: [{ state: 'installed' }, { state: 'installed' }],
    });
    const human = await runCli(['service', 'status'], env);
    expect(human.stdout).toContain(`installed  ${files[0]}`);

    const rm = await runCli(['service', 'uninstall', '--json'], env);
    expect(rm.code, rm.stderr).toBe(0);
    expect((JSON.parse(rm.stdout) as typeof report).units.map((u) => u.state)).toEqual([
      'removed',
      'removed',
    ]);
    const after = JSON.parse((await runCli(['service', 'status', '--json'], env)).stdout) as typeof report & {
      enabled: boolean;
    };
    expect(after.units.map((u) => u.state)).toEqual(['absent', 'absent']);
    expect(after.enabled).toBe(false);
  });

  test('over SSH: the tmux unit on the remote host (no orchard there: it says how to resume)', async () => {
    const t = ssh.env.env;
    const r = await runCli(['service', 'install', '--host', ssh.env.hostName, '--json'], t.env);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { units: Array<{ file: string; state: string }>; notes: string[] };
    const unit = join(ssh.sshd.remoteHome, '.config', 'systemd', 'user', 'orchard-tmux.service');
    expect(report.units).toEqual([{ file: unit, state: 'written' }]);
    expect(report.notes[0]).toContain(`orchard resume --all --host ${ssh.env.hostName}`);
    expect(readFileSync(unit, 'utf8')).toContain(`"-L" "${ssh.env.remoteSocket}"`);
    expect(verify([unit]).code).toBe(0);
    const again = await runCli(['service', 'install', '--host', ssh.env.hostName, '--json'], t.env);
    expect((JSON.parse(again.stdout) as typeof report).units[0]!.state).toBe('unchanged');
  });

  test('a host without systemd: the command says so', async () => {
    const t = ssh.env.env;
    const bin = join(t.dir, 'bin-nosystemd');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['sh', 'tmux', 'git', 'id'])
      symlinkSync(
        execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { encoding: 'utf8' }).trim(),
        join(bin, tool),
      );
    const r = await runCli(['service', 'install'], { ...t.env, PATH: `${bin}:${dirname(process.execPath)}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^orchard: local has no systemd \(systemctl not found\)/);
  });
});

describe('orchard service on an SSH host that has orchard', () => {
  let sshd: Sshd;
  let e: SshTestEnv;
  let bin: string;
  beforeAll(async () => {
    // The "remote" (this machine over sshd) gets an `orchard` on its PATH.
    bin = mkdtempSync(join(tmpdir(), 'orchard-bin-'));
    symlinkSync(CLI, join(bin, 'orchard'));
    sshd = await makeSshd({ env: { PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin` } });
    e = await makeSshEnv(sshd);
  }, 60_000);
  afterAll(async () => {
    await e?.teardown();
    await sshd?.cleanup();
    rmSync(bin, { recursive: true, force: true });
  });

  test('the boot-time resume unit, run as systemd would on that host, brings its sessions back', async () => {
    const t = e.env;
    const r = await runCli(['service', 'install', '--host', e.hostName, '--json'], t.env);
    expect(r.code, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as { units: Array<{ file: string }> }).units.map((u) => u.file);
    expect(files.map((f) => f.split('/').pop())).toEqual(['orchard-tmux.service', 'orchard-resume.service']);
    expect(verify(files).code).toBe(0);

    const s = await t.engine.spawn({ repo: e.repoRef(makeRepo(t.dir, 'boot', ['b'])), branch: 'b' });
    const { TMUX_TMPDIR: _t, ...plain } = process.env;
    execFileSync('tmux', ['-L', e.remoteSocket, 'kill-server'], { env: plain });
    await waitFor(async () => (await t.engine.find(s.id)).state === 'stopped', 10_000, 'stopped');

    const unit = readFileSync(files[1]!, 'utf8');
    const env = envOf(unit);
    expect(env.ORCHARD_HOME).toBe(join(sshd.remoteHome, '.orchard'));
    const run = execArgv(unit, 'ExecStart');
    const out = spawnSync(run[0]!, run.slice(1), {
      env: { ...env, HOME: sshd.remoteHome },
      encoding: 'utf8',
    });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain(`${s.id}  b  ${s.worktree}`);
    const back = await t.engine.find(s.id);
    expect(back.state).not.toBe('stopped');
    expect(back.host).toBe(e.hostName);
  }, 90_000);
});
