// The "Must hold" of issue 19 against one real CLI (Codex, Gemini CLI or OpenCode) in Orchard's
// tmux, talking to the mock model APIs, with the fleet monitor running as under `orchard web` with
// no page open: the CLI's live screens judged by its screen model, its native signals and the
// monitor's screen check as `orchard ls` reports them (every state the monitor pushes is recorded:
// no false idle during a turn, a first-start dialog waiting(setup) and never idle, and how long
// `ls` lags the screen), `orchard send` submitting every time, quit → exited, and `orchard kill`
// leaving no process of the session.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { worktreePathFor } from '../../src/core/repos.ts';
import { agentScreenModel } from '../../src/core/status/screens/index.ts';
import type { ScreenVerdict } from '../../src/core/status/screens/verdict.ts';
import { FleetMonitor } from '../../src/core/status/fleet-monitor.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';
import { codexEnv, findAgent, geminiEnv, opencodeEnv, privateTmp, type RealAgent } from './agents-env.ts';
import { startMockModels, type MockModels } from './mock-models.ts';

export interface Scenario {
  /** Which transitions the agent reports natively (the rest comes from the monitor's screen check). */
  native: { working: boolean; permission: boolean; question: boolean };
  /** Keys that put the agent where it can ask a question (Codex: Plan mode). */
  questionKeys?: string[];
  quit: string;
  /** Start-up can be slow (OpenCode loads for 20 s+ on a busy machine). */
  bootMs: number;
  turnMs: number;
  /** Per test (default: the project's 90 s). */
  testMs?: number;
  /** Daemons the agent starts (their command line), which kill must end too. */
  daemons?: RegExp;
  /** Wait after the first prompt before a slash command (Gemini CLI loads its commands late). */
  slashSettleMs?: number;
  /** The agent's first-start dialog in an untrusted folder; null: it asks nothing at start. */
  firstStart: 'trust' | null;
}

const log = (agent: string, what: string, since: number) =>
  console.log(`[agents] ${agent}: ${what} after ${Date.now() - since} ms`);

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    return !/^Z/.test(
      execFileSync('ps', ['-o', 'stat=', '-p', String(pid)])
        .toString()
        .trim(),
    );
  } catch {
    return false;
  }
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

/** Processes carrying the session's id in their environment (the agent and all it started). */
function sessionPids(id: string): number[] {
  let out = '';
  try {
    out = execFileSync('sh', [
      '-c',
      'grep -l -a -F "ORCHARD_SESSION_ID=$1" /proc/[0-9]*/environ 2>/dev/null || true',
      'sh',
      id,
    ]).toString();
  } catch {
    return [];
  }
  return out
    .split('\n')
    .map((l) => Number(/^\/proc\/(\d+)\//.exec(l)?.[1]))
    .filter((p) => p && p !== process.pid && alive(p));
}

export function realAgentSuite(agent: RealAgent, sc: Scenario): void {
  const found = findAgent(agent);
  const missing = 'missing' in found ? found.missing : undefined;
  if (missing && process.env.CI === 'true')
    throw new Error(`the agents tier needs ${agent} in CI: ${missing}`);
  if (missing) console.warn(`[agents] ${agent} skipped: ${missing}`);
  const judge = agentScreenModel(agent)!;

  let t: TestEnv;
  let mock: MockModels;
  let repo: string;
  let monitor: FleetMonitor | undefined;
  /** Every state the monitor pushed, per session, with when (ms). */
  const pushed = new Map<string, { at: number; state: string; reason?: string }[]>();
  const pushedSince = (id: string, from: number, to = Infinity) =>
    (pushed.get(id) ?? []).filter((x) => x.at >= from && x.at <= to);

  describe.skipIf(!!missing)(`real ${agent}`, () => {
    beforeAll(async () => {
      process.env.TMPDIR = privateTmp();
      t = await makeEnv();
      mock = await startMockModels();
      repo = makeRepo(t.dir, 'repo');
      const cfg = { name: 'repo', host: 'local', path: repo };
      const trusted = [worktreePathFor(cfg, 'flow'), worktreePathFor(cfg, 'quit')];
      const env =
        agent === 'codex'
          ? codexEnv(t.dir, mock.url, trusted)
          : agent === 'gemini'
            ? geminiEnv(t.dir, mock.url, trusted)
            : opencodeEnv(t.dir, mock.url);
      await t.engine.store.update((c) => {
        c.profiles.push({
          id: `${agent}-real`,
          label: `${agent} (real)`,
          kind: agent,
          command: [(found as { bin: string }).bin],
          env,
          expectedMemory: 0,
        });
        c.preferences.defaultAgent = `${agent}-real`;
      });
      // The product's own status path: the fleet monitor `orchard web` runs, page open or not.
      monitor = new FleetMonitor(t.engine).start();
      monitor.onDidChangeSessions((list) => {
        for (const x of list) {
          const seen = pushed.get(x.id) ?? [];
          const last = seen.at(-1);
          if (last?.state !== x.state || last.reason !== x.reason)
            seen.push({ at: Date.now(), state: x.state, ...(x.reason ? { reason: x.reason } : {}) });
          pushed.set(x.id, seen);
        }
      });
    });
    afterAll(async () => {
      monitor?.dispose();
      await mock?.close();
      t?.cleanup();
    });

    const tmux = (...a: string[]) =>
      execFileSync('tmux', ['-L', t.env.ORCHARD_TMUX_SOCKET!, ...a]).toString();
    /** Waits until the live screen's verdict satisfies `pred`; says what the screen was if not. */
    const screenIs = async (
      s: SessionInfo,
      pred: (v: ScreenVerdict) => boolean,
      what: string,
      ms: number,
    ) => {
      let screen = '';
      let v: ScreenVerdict = { state: 'unknown' };
      try {
        return await waitFor(
          async () => {
            screen = await t.engine.capture(s.id);
            v = judge(screen);
            return pred(v) ? v : undefined;
          },
          ms,
          what,
        );
      } catch (e) {
        const tail = screen
          .split('\n')
          .filter((l) => l.trim())
          .slice(-12)
          .join('\n');
        throw new Error(`${(e as Error).message}; verdict ${JSON.stringify(v)}; screen ends:\n${tail}`);
      }
    };
    /** Waits until `ls` says what `pred` wants; logs how long after the screen showed it. */
    const lsIs = async (s: SessionInfo, pred: (x: SessionInfo) => boolean, what: string, ms: number) => {
      let last: SessionInfo | undefined;
      const from = Date.now();
      try {
        const got = await waitFor(
          async () => {
            last = await t.engine.find(s.id);
            return pred(last) ? last : undefined;
          },
          ms,
          what,
        );
        console.log(`[agents] ${agent}: ${what}: ${Date.now() - from} ms after the screen`);
        return got;
      } catch (e) {
        throw new Error(`${(e as Error).message}; last seen ${JSON.stringify(last)}`);
      }
    };
    const send = async (s: SessionInfo, text: string) => {
      const r = await runCli(['send', s.id, text], t.env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    };

    test(
      'prompt → working → idle; approval with the command; approve → idle; question; kill leaves nothing',
      async () => {
        const s = await t.engine.spawn({ repo, branch: 'flow', newBranch: true });
        let since = Date.now();
        await screenIs(s, (v) => v.state === 'idle', 'the prompt, idle', sc.bootMs);
        log(agent, 'idle prompt', since);

        since = Date.now();
        await send(s, 'slow 5000');
        await screenIs(s, (v) => v.state === 'working', 'the turn running (send submitted it)', 10_000);
        log(agent, 'working on screen', since);
        await lsIs(s, (x) => x.state === 'working', 'ls: working', 5_000);
        const working = Date.now();
        const idleOnScreen = await screenIs(
          s,
          (v) => v.state === 'idle',
          'the turn done, idle',
          sc.turnMs,
        ).then(() => Date.now());
        await lsIs(s, (x) => x.state === 'idle', 'ls: idle', 5_000);
        // No false idle at any push while the turn ran (its last moment excepted: the screen is
        // polled every 100 ms, the monitor may see the end first).
        expect(pushedSince(s.id, working, idleOnScreen - 500).filter((x) => x.state !== 'working')).toEqual(
          [],
        );
        log(agent, 'idle again', since);

        since = Date.now();
        await send(s, 'bash touch "ran file.txt"');
        const ask = await screenIs(s, (v) => v.state === 'waiting', 'the approval', sc.turnMs);
        expect(ask).toMatchObject({ state: 'waiting', reason: 'permission' });
        expect((ask as { detail?: string }).detail).toContain('touch "ran file.txt"');
        log(agent, `approval "${(ask as { detail?: string }).detail}"`, since);
        {
          const x = await lsIs(s, (x) => x.state === 'waiting', 'ls: waiting(permission)', 5_000);
          expect(x.reason).toBe('permission');
          expect(x.detail).toContain('touch "ran file.txt"');
        }
        await t.engine.send(s.id, '', true); // approve: the highlighted "allow once"
        await waitFor(
          async () => existsSync(join(s.worktree, 'ran file.txt')) || undefined,
          sc.turnMs,
          'the approved file',
        );
        await screenIs(s, (v) => v.state === 'idle', 'idle after the approved command', sc.turnMs);
        await lsIs(s, (x) => x.state === 'idle', 'ls: idle after approval', 5_000);

        since = Date.now();
        if (sc.questionKeys) tmux('send-keys', '-t', s.paneId, ...sc.questionKeys);
        await send(s, 'ask Which database should we use?');
        const q = await screenIs(s, (v) => v.state === 'waiting', 'the question', sc.turnMs);
        expect(q).toMatchObject({ state: 'waiting', reason: 'question' });
        expect((q as { detail?: string }).detail).toMatch(/Which database should we use/);
        log(agent, 'question', since);
        {
          const x = await lsIs(s, (x) => x.state === 'waiting', 'ls: waiting(question)', 5_000);
          expect(x.reason).toBe('question');
        }
        await t.engine.send(s.id, '', true); // the first option
        await screenIs(s, (v) => v.state === 'idle', 'idle after the answer', sc.turnMs);

        // kill: nothing of the session is left (Codex's app-server daemons included).
        if (sc.daemons) {
          // Whether the agent started its daemons (Codex does not when it runs with session flags
          // such as Orchard's `-c notify=…`); when it did, they must end with the session below.
          const re = sc.daemons;
          const d = await waitFor(
            async () => sessionPids(s.id).find((p) => re.test(cmdline(p))),
            6_000,
            'a daemon',
          ).catch(() => undefined);
          console.log(
            `[agents] ${agent}: daemon ${d ? `${d}: ${cmdline(d).slice(0, 100)}` : 'none started'}`,
          );
        }
        const before = sessionPids(s.id);
        expect(before.length).toBeGreaterThan(0);
        const r = await runCli(['kill', s.id], t.env);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/ended \d+ process/);
        console.log(`[agents] ${agent}: ${r.stdout.trim()}`);
        await new Promise((res) => setTimeout(res, 500));
        expect(before.filter(alive)).toEqual([]);
        expect(sessionPids(s.id)).toEqual([]);
      },
      sc.testMs,
    );

    // OpenCode asks nothing at start (no trust or login dialog): there is nothing to test.
    test.skipIf(sc.firstStart === null)(
      'first-start dialog → waiting(setup), never idle',
      async () => {
        const s = await t.engine.spawn({ repo, branch: 'untrusted', newBranch: true });
        // Codex and Gemini CLI ask whether to trust the folder. (Codex draws its composer for a
        // moment before the dialog: the screen check's agreeing reads and starting grace keep that
        // from reaching the pane.)
        const v = await screenIs(s, (v) => v.state === 'waiting', 'the trust dialog', sc.bootMs);
        expect(v).toMatchObject({ state: 'waiting', reason: 'setup' });
        // `ls` says so too: the monitor's screen check judges the dialog with the agent's model.
        const x = await lsIs(s, (x) => x.state === 'waiting', 'ls: waiting(setup)', 5_000);
        expect(x.reason).toBe('setup');
        const from = Date.now();
        for (let i = 0; i < 6; i++) {
          expect(judge(await t.engine.capture(s.id))).toMatchObject({ state: 'waiting', reason: 'setup' });
          expect(await t.engine.find(s.id)).toMatchObject({ state: 'waiting', reason: 'setup' });
          await new Promise((res) => setTimeout(res, 500));
        }
        // Never idle, from the spawn on: not at any push of the monitor.
        expect(pushedSince(s.id, 0).filter((x) => x.state === 'idle')).toEqual([]);
        expect(pushedSince(s.id, from).map((x) => x.state)).not.toContain('idle');
        console.log(
          `[agents] ${agent}: states pushed until the dialog was answered: ${pushedSince(s.id, 0)
            .map((x) => x.state + (x.reason ? `(${x.reason})` : ''))
            .join(' → ')}`,
        );
        tmux('send-keys', '-t', s.paneId, 'Enter'); // trust it
        await screenIs(s, (v) => v.state === 'idle', 'the prompt after the trust dialog', sc.bootMs);
        await runCli(['kill', s.id], t.env);
      },
      sc.testMs,
    );

    test(
      'quit → exited',
      async () => {
        const s = await t.engine.spawn({ repo, branch: 'quit', newBranch: true });
        await screenIs(s, (v) => v.state === 'idle', 'the prompt', sc.bootMs);
        const since = Date.now();
        await send(s, sc.quit);
        await lsIs(s, (x) => x.state === 'exited', 'ls: exited', 20_000).catch(async (e: Error) => {
          const tail = (await t.engine.capture(s.id))
            .split('\n')
            .filter((l) => l.trim())
            .slice(-10);
          throw new Error(`${e.message}; screen ends:\n${tail.join('\n')}`);
        });
        log(agent, `exited on ${sc.quit}`, since);
        await runCli(['kill', s.id], t.env);
      },
      sc.testMs,
    );
  });
}
