// `npm run bench -- diff`: a session's diff (200 changed files, 20,000 changed lines, half committed,
// half not) with every patch, as the window and `orchard diff --json` get it, against plain
// `git diff --numstat` + `git diff` of the same worktree against the same base, in the same run.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as review from '../../src/core/review/service.ts';
import { benchEnv, CLI, git, makeRepo, median, now, type Row } from '../lib.ts';

const run = promisify(execFile);
const FILES = 200;
const LINES = 100;
const CHANGED = 50; // per file: 50 lines replaced = 50 added + 50 deleted → 20,000 changed lines
const RUNS = 7;

const body = (i: number, tag: string, changed: number) =>
  Array.from({ length: LINES }, (_, l) =>
    l < changed
      ? `${tag} ${i}:${l} const value${l} = compute(${l}, "${tag}");`
      : `line ${i}:${l} unchanged text`,
  ).join('\n') + '\n';

export async function diffScenario(): Promise<Row[]> {
  const b = await benchEnv();
  try {
    const repo = makeRepo(b.dir, 'repo');
    git(repo, 'config', 'user.name', 'Bench');
    git(repo, 'config', 'user.email', 'b@b');
    for (let i = 0; i < FILES; i++) writeFileSync(join(repo, `f${i}.ts`), body(i, 'old', 0));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'files');
    const s = await b.engine.spawn({ repo, branch: 'big', newBranch: true, command: 'sleep 600' });
    for (let i = 0; i < FILES; i++) writeFileSync(join(s.worktree, `f${i}.ts`), body(i, 'new', CHANGED));
    // Half of the work committed, half still in the worktree.
    git(s.worktree, 'add', ...Array.from({ length: FILES / 2 }, (_, i) => `f${i}.ts`));
    git(s.worktree, 'commit', '-q', '-m', 'half');

    const check = await review.diff(b.engine, { id: s.id, patches: true });
    const changed = check.additions + check.deletions;
    if (check.files.length !== FILES || changed !== FILES * CHANGED * 2)
      throw new Error(`unexpected diff: ${check.files.length} files, ${changed} lines`);

    const ours: number[] = [];
    const cli: number[] = [];
    const raw: number[] = [];
    const opts = { cwd: s.worktree, maxBuffer: 1 << 28 };
    for (let i = 0; i < RUNS; i++) {
      let t0 = now();
      await review.diff(b.engine, { id: s.id, patches: true });
      ours.push(now() - t0);
      t0 = now();
      await run(process.execPath, [CLI, 'diff', s.id, '--json'], { ...opts, env: b.env });
      cli.push(now() - t0);
      t0 = now();
      await run('git', ['diff', '--numstat', 'main'], opts);
      await run('git', ['diff', 'main'], opts);
      raw.push(now() - t0);
    }
    const o = median(ours);
    const r = median(raw);
    return [
      {
        scenario: 'diff',
        metric: `diff with patches, ${FILES} files / ${changed} lines (median of ${RUNS})`,
        orchard: o,
        baseline: r,
        unit: 'ms',
        target: '<= 1.5x',
        ok: o <= 1.5 * r,
        note: 'engine call (window, router); baseline: git diff --numstat + git diff',
      },
      {
        scenario: 'diff',
        metric: 'orchard diff --json (whole CLI process)',
        orchard: median(cli),
        baseline: r,
        unit: 'ms',
        target: '',
        ok: null,
        note: 'includes Node start-up and loading the CLI',
      },
    ];
  } finally {
    b.dispose();
  }
}
