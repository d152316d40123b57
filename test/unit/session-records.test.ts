// The pure parts of session records and resume: parsing the one-exec read, the argv Orchard adds,
// and Claude Code's transcript folder name (checked against the real CLI 2.1.332).
import { describe, expect, test } from 'vitest';
import { baseCommand, parseRecords } from '../../src/core/sessions/records.ts';
import { claudeProjectDir } from '../../src/core/sessions/resume.ts';

const rec = (id: string) =>
  JSON.stringify({
    v: 1,
    id,
    repo: 'r',
    repoPath: '/r',
    branch: 'b',
    worktree: '/w',
    ownsWorktree: true,
    agent: 'claude',
    argv: ['claude', '--session-id', 'S', '--settings', '/f'],
    command: ['claude'],
    agentSessionId: 'S',
    createdAt: '2026-01-01T00:00:00.000Z',
    tmuxSession: 'b-' + id,
    lastSeen: '2026-01-01T00:00:00.000Z',
  });

describe('parseRecords', () => {
  test('records, lastSeen raised to the mtime, corrupt and empty files reported', () => {
    const out =
      `\x1eaa.json\x1f${rec('aa')}\n` +
      `\x1ebb.json\x1f{"v":1,\n` +
      `\x1ecc.json\x1f${rec('dd')}\n` +
      '\x1d' +
      '1798000000 aa.json\n1798000000 bb.json\n1798000000 cc.json\n1798000000 ee.json\n';
    const r = parseRecords('/h/sessions', out);
    expect(r.records.map((x) => [x.id, x.lastSeen])).toEqual([
      ['aa', new Date(1798000000_000).toISOString()],
    ]);
    expect(r.corrupt.map((c) => c.file)).toEqual([
      '/h/sessions/bb.json',
      '/h/sessions/cc.json',
      '/h/sessions/ee.json',
    ]);
    expect(r.corrupt[0]!.error).toMatch(/^not JSON/);
    expect(r.corrupt[1]!.error).toMatch(/id does not match/);
    expect(r.corrupt[2]!.error).toBe('empty file');
  });

  test('no records folder: nothing', () => {
    expect(parseRecords('/h/sessions', '')).toEqual({ records: [], corrupt: [] });
  });
});

test('baseCommand drops the per-session flags Orchard adds, and only for agents with a session id', () => {
  expect(baseCommand(['node', 'a.mjs', '--resume', 'S', '--settings', '/f'], 'S')).toEqual(['node', 'a.mjs']);
  expect(baseCommand(['sh', '-c', 'x --resume y'], undefined)).toEqual(['sh', '-c', 'x --resume y']);
});

test("claudeProjectDir matches Claude Code's folder names", () => {
  expect(claudeProjectDir('/tmp/ccx/w.d_x y-é/sub')).toBe('-tmp-ccx-w-d-x-y---sub');
  const long = `/tmp/ccx/e😀/${'a'.repeat(230)}`;
  expect(claudeProjectDir(long)).toBe(`-tmp-ccx-e---${'a'.repeat(187)}-va2cn9`);
});
