// orchard approve against the fake agent with Claude Code's three-option dialog, locally (through
// the CLI) and over the test sshd (through the engine): yes writes the file and the state leaves
// waiting; no leaves it unwritten; a session not waiting, or waiting for another request than the
// one the client saw, is refused and its screen stays as it was.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { approve, readPaneNow, sendGuarded } from '../../src/core/sessions/approve.ts';
import { broadcast } from '../../src/core/sessions/broadcast.ts';
import { makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';
import { useSshEnv } from '../helpers/sshd.ts';
import { askToEdit, stateOf, useThreeOptionDialog, written } from './approve-helpers.ts';

async function scenario(t: TestEnv, repo: string, viaCli: boolean) {
  await useThreeOptionDialog(t.engine);
  const answer = async (id: string, decision: 'yes' | 'always' | 'no', expectDetail?: string) => {
    if (!viaCli)
      return approve(t.engine, { id, decision, ...(expectDetail ? { expect: expectDetail } : {}) });
    const r = await runCli(
      [
        'approve',
        id,
        ...(decision === 'no' ? ['--deny'] : decision === 'always' ? ['--always'] : []),
        ...(expectDetail ? ['--expect', expectDetail] : []),
      ],
      t.env,
    );
    if (r.code !== 0) throw new Error(r.stderr);
    return r.stdout;
  };
  const [a, idle] = await Promise.all([
    t.engine.spawn({ repo, branch: 'feat/a', newBranch: true }),
    t.engine.spawn({ repo, branch: 'feat/idle', newBranch: true }),
  ]);
  await askToEdit(t.engine, a, 'notes.txt');
  await stateOf(t.engine, idle.id, (x) => x.state === 'idle', 'idle session idle');

  // Not waiting: refused, and nothing reached its screen.
  const before = await t.engine.capture(idle.id);
  await expect(answer(idle.id, 'yes')).rejects.toThrow(/not waiting for permission.*nothing was sent/);
  await new Promise((r) => setTimeout(r, 300));
  expect(await t.engine.capture(idle.id)).toBe(before);

  // The prompt changed since the client listed it: refused, nothing written, still waiting.
  await expect(answer(a.id, 'yes', 'Edit other.txt')).rejects.toThrow(/now asks about "Edit notes.txt"/);
  expect(written(a, 'notes.txt')).toBe(false);
  expect((await t.engine.find(a.id)).state).toBe('waiting');

  // Yes, for the request seen: the file is written and the session leaves waiting.
  const out = await answer(a.id, 'yes', 'Edit notes.txt');
  if (viaCli) expect(out).toMatch(/Edit notes\.txt → Yes/);
  else expect(out).toMatchObject({ option: 'Yes', keys: ['1', 'Enter'] });
  await stateOf(t.engine, a.id, (x) => x.state !== 'waiting', 'leaves waiting');
  expect(written(a, 'notes.txt')).toBe(true);

  // Deny picks "No, and tell Claude…" (option 3, not 2): not written.
  await askToEdit(t.engine, a, 'deny.txt');
  const no = await answer(a.id, 'no');
  if (!viaCli)
    expect(no).toMatchObject({ option: expect.stringMatching(/^No, and tell Claude/), keys: ['3', 'Enter'] });
  await stateOf(t.engine, a.id, (x) => x.state === 'idle', 'idle after deny');
  expect(await t.engine.capture(a.id)).toMatch(/Left deny\.txt alone/);
  expect(written(a, 'deny.txt')).toBe(false);

  // Always: the "don't ask again" option (2), which allows this request too.
  await askToEdit(t.engine, a, 'always.txt');
  const always = await answer(a.id, 'always', 'Edit always.txt');
  if (viaCli) expect(always).toMatch(/Yes, and don't ask again/);
  else expect(always).toMatchObject({ keys: ['2', 'Enter'] });
  await stateOf(t.engine, a.id, (x) => x.state === 'idle', 'idle after always');
  expect(written(a, 'always.txt')).toBe(true);
}

describe('local', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await makeEnv();
  });
  afterAll(() => t.cleanup());
  test('approve / deny / refusals through the CLI', async () => {
    await scenario(t, makeRepo(t.dir), true);
  }, 90_000);
  test('the keys go out only if the state read is still the state tmux has (checked inside tmux)', async () => {
    const s = await t.engine.spawn({ repo: makeRepo(t.dir, 'guard'), branch: 'g', newBranch: true });
    await askToEdit(t.engine, s, 'g.txt');
    const { tmux } = await t.engine.hosts.get(s.host);
    const now = await readPaneNow(tmux, s.paneId);
    expect(now.hook).toMatchObject({ state: 'waiting', at: expect.stringMatching(/^\d+$/) });
    // A new hook event lands between the read and the send.
    await tmux.run(['set-option', '-p', '-t', s.paneId, '@orchard_state_at', '1']);
    const before = await t.engine.capture(s.id);
    await expect(sendGuarded(tmux, s.paneId, ['1', 'Enter'], now, s.id)).rejects.toThrow(
      /changed state just before/,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await t.engine.capture(s.id)).toBe(before);
    expect(written(s, 'g.txt')).toBe(false);
    // Read afresh: it goes through.
    await sendGuarded(tmux, s.paneId, ['1', 'Enter'], await readPaneNow(tmux, s.paneId), s.id);
    await waitFor(() => written(s, 'g.txt'), 10_000, 'g.txt written');
  }, 60_000);
});

describe('over ssh', () => {
  const ssh = useSshEnv();
  test('approve / deny / refusals on a remote host', async () => {
    const t = ssh.env.env;
    await scenario(t, ssh.env.repoRef(makeRepo(t.dir, 'remote')), false);
    // Broadcast while the host is down: its sessions (as last listed) are reported, not skipped.
    await t.engine.list();
    await ssh.sshd.stop();
    try {
      const r = await broadcast(t.engine, { to: `host:${ssh.env.hostName}`, text: 'anyone there?' });
      expect(r.delivered).toBe(0);
      expect(r.items).toHaveLength(2);
      for (const i of r.items) expect(i.error).toMatch(/^host sshtest unreachable/);
    } finally {
      await ssh.sshd.start();
    }
  }, 120_000);
});
