// Shared by the approve tests: the fake agent with Claude Code's three-option dialog, answered the
// way a line-reading agent takes it (digit, Enter).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../src/core/engine.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { waitFor } from '../helpers/env.ts';

export async function useThreeOptionDialog(engine: Engine): Promise<void> {
  await engine.store.update((c) => {
    const fake = c.profiles.find((p) => p.id === 'fake')!;
    fake.env = { ...fake.env, FAKE_AGENT_DIALOG: '3' };
    fake.approval = { keys: 'digit-enter' };
  });
}

export function stateOf(engine: Engine, id: string, pred: (s: SessionInfo) => boolean, what: string) {
  return waitFor(
    async () => {
      const s = await engine.find(id);
      return pred(s) ? s : undefined;
    },
    20_000,
    what,
  );
}

export async function askToEdit(engine: Engine, s: SessionInfo, file: string): Promise<SessionInfo> {
  await stateOf(engine, s.id, (x) => x.state === 'idle', `${s.branch} idle`);
  await engine.send(s.id, `edit ${file}`);
  return stateOf(
    engine,
    s.id,
    (x) => x.state === 'waiting' && x.reason === 'permission' && x.detail === `Edit ${file}`,
    `${s.branch} waiting for Edit ${file}`,
  );
}

/** The file the fake agent writes in its worktree when allowed (a local path: sshd is loopback). */
export const written = (s: SessionInfo, file: string) => existsSync(join(s.worktree, file));
