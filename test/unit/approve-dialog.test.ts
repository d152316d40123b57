// Choosing a permission option by its text, on real Claude Code 2.1.332 screens and the fake agent's.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { approvalSpec, keysFor, parseDialog, pickOption } from '../../src/core/sessions/approve-dialog.ts';
import { parseTarget, matchTarget } from '../../src/core/sessions/broadcast.ts';
import { batchTargets, toolOf } from '../../src/core/sessions/approve.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { parseRequest } from '../../src/core/rpc/schemas.ts';

const screen = (name: string) =>
  readFileSync(new URL(`../fixtures/screens/claude-2.1.332/${name}.txt`, import.meta.url), 'utf8');
const claude = approvalSpec({ kind: 'claude' });

test('Claude Code bash dialog: yes = 1, always = "don\'t ask again" (not "switch to auto mode"), no = 4', () => {
  const d = parseDialog(screen('permission-bash-60cols'))!;
  expect(d.options.map((o) => o.n)).toEqual([1, 2, 3, 4]);
  expect(d.cursor).toBe(1);
  expect(d.options[2]!.text).toBe('Yes, and switch to auto mode · auto mode handles these prompts for you');
  const pick = (x: 'yes' | 'always' | 'no') => {
    const o = pickOption(d, x, claude);
    if (typeof o === 'string') throw new Error(o);
    return keysFor(d, o, claude.keys);
  };
  expect(pick('yes')).toEqual(['1']);
  expect(pick('always')).toEqual(['2']);
  expect(pick('no')).toEqual(['4']);
  expect(keysFor(d, d.options[3]!, 'arrows')).toEqual(['Down', 'Down', 'Down', 'Enter']);
  expect(keysFor(d, d.options[0]!, 'digit-enter')).toEqual(['1', 'Enter']);
});

test('Claude Code write dialog: "always" is the wrapped option 2, no = 3', () => {
  const d = parseDialog(screen('permission-write'))!;
  expect(d.options).toHaveLength(3);
  expect(d.options[1]!.text).toMatch(
    /always allow access to \/work\/wt\/status for this session \(shift\+tab\)$/,
  );
  expect(pickOption(d, 'always', claude)).toMatchObject({ n: 2 });
  expect(pickOption(d, 'no', claude)).toMatchObject({ n: 3, text: 'No' });
  expect(pickOption(parseDialog(screen('permission-bash'))!, 'always', claude)).toMatchObject({ n: 2 });
});

test('no dialog on an idle screen; a dialog without the wanted option is refused with its options', () => {
  expect(parseDialog(screen('prompt-idle'))).toBeUndefined();
  const fake = parseDialog('> edit a\nDo you want to make this edit to a?\n❯ 1. Yes\n  2. No\n')!;
  expect(pickOption(fake, 'no', claude)).toMatchObject({ n: 2 });
  expect(pickOption(fake, 'always', claude)).toMatch(/no "always" option \(1\. Yes \| 2\. No\)/);
  // Two options answering one decision: refused rather than guessed.
  const two = parseDialog('❯ 1. Yes\n  2. Yes\n  3. No\n')!;
  expect(pickOption(two, 'yes', claude)).toMatch(/more than one option/);
  // The arrows way needs a highlighted option to count from.
  expect(keysFor(parseDialog(' 1. Yes\n 2. No\n')!, { n: 2, text: 'No' }, 'arrows')).toMatch(
    /no highlighted/,
  );
});

test('a profile overrides its kind, and bad hand-written fields are ignored', () => {
  const s = approvalSpec({ kind: 'claude', approval: { no: ['^Deny'], keys: 'arrows' } });
  expect(s.no).toEqual(['^Deny']);
  expect(s.yes).toEqual(claude.yes);
  expect(s.keys).toBe('arrows');
  const bad = approvalSpec({
    kind: 'custom',
    approval: { yes: 'x' as unknown as string[], keys: 'rm' as 'digit' },
  });
  expect(bad.keys).toBe('digit-enter');
  expect(Array.isArray(bad.yes)).toBe(true);
});

const sess = (id: string, over: Partial<SessionInfo>): SessionInfo => ({
  id,
  repo: 'r',
  repoPath: '/r',
  branch: `b${id}`,
  worktree: '/w',
  host: 'local',
  agent: 'fake',
  state: 'idle',
  pid: 1,
  createdAt: '',
  tmuxSession: id,
  paneId: '%1',
  ...over,
});

test('batch targets: waiting for permission only, by ids, repo, host and tool', () => {
  const list = [
    sess('a1', { state: 'waiting', reason: 'permission', detail: 'Read x.ts' }),
    sess('a2', { state: 'waiting', reason: 'permission', detail: 'Edit y.ts', repo: 'q' }),
    sess('a3', { state: 'waiting', reason: 'question', detail: 'Read z' }),
    sess('a4', { state: 'idle' }),
    sess('a5', { state: 'waiting', reason: 'permission', detail: 'Grep foo', host: 'box' }),
  ];
  const ids = (p: Parameters<typeof batchTargets>[1]) => batchTargets(list, p).map((s) => s.id);
  expect(ids({})).toEqual(['a1', 'a2', 'a5']);
  expect(ids({ tool: 'read' })).toEqual(['a1']);
  expect(ids({ repo: 'q' })).toEqual(['a2']);
  expect(ids({ host: 'box' })).toEqual(['a5']);
  expect(ids({ ids: ['a3', 'a5'] })).toEqual(['a5']);
  expect(toolOf('Bash git status')).toBe('Bash');
});

test('broadcast filters', () => {
  expect(parseTarget('all')).toEqual({ kind: 'all' });
  expect(parseTarget('repo:web')).toEqual({ kind: 'repo', value: 'web' });
  expect(parseTarget('ab12,cd34')).toEqual({ kind: 'ids', ids: ['ab12', 'cd34'] });
  expect(parseTarget('ids:ab12')).toEqual({ kind: 'ids', ids: ['ab12'] });
  expect(() => parseTarget('branch:x')).toThrow(/--to takes all, repo:/);
  expect(() => parseTarget('$(rm -rf)')).toThrow(/--to takes/);
  const w = sess('a1', { state: 'waiting', reason: 'permission' });
  expect(matchTarget(w, parseTarget('state:waiting'))).toBe(true);
  expect(matchTarget(w, parseTarget('state:waiting:question'))).toBe(false);
  expect(matchTarget(w, parseTarget('host:box'))).toBe(false);
});

test('the contract refuses bad approve / broadcast payloads with a clear message', () => {
  expect(() => parseRequest('approve', { id: 'ab12', decision: 'maybe' })).toThrow(/decision/);
  expect(() => parseRequest('approve', { id: '../x', decision: 'yes' })).toThrow(/not a session id/);
  expect(() => parseRequest('broadcast', { to: 'all', ids: ['ab'], text: 'x' })).toThrow(/either to or ids/);
  expect(() => parseRequest('broadcast', { to: 'all', text: '' })).toThrow(/text must not be empty/);
  expect(parseRequest('approveAll', { decision: 'no', tool: 'Read' })).toEqual({
    decision: 'no',
    tool: 'Read',
  });
});
