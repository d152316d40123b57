// How a spawn becomes headless: the profile's headless arguments after its command, the fixed
// wrapper around it, the first prompt (a file for stream-json agents, the last argument for Codex).
import { describe, expect, test } from 'vitest';
import type { AgentProfile } from '../../src/shared/model.ts';
import { BUILTIN_PROFILES } from '../../src/core/agents/profiles.ts';
import { HEADLESS_SCRIPT, prepareHeadless } from '../../src/core/sessions/headless.ts';
import type { HostContext } from '../../src/core/hosts/registry.ts';
import type { NewSessionSpec } from '../../src/core/tmux/tmux.ts';
import { parseConfig } from '../../src/core/store/config-schema.ts';

function fakeCtx() {
  const writes: Array<{ path: string; data: string; mode?: number }> = [];
  const execs: string[][] = [];
  const ctx = {
    host: {
      name: 'local',
      exec: async (argv: readonly string[]) => {
        execs.push([...argv]);
        return { code: 0, stdout: '', stderr: '' };
      },
      writeFile: async (path: string, data: string, mode?: number) => void writes.push({ path, data, mode }),
    },
    home: async () => '/h',
  } as unknown as HostContext;
  return { ctx, writes, execs };
}

const spec = (argv: string[]): NewSessionSpec => ({ name: 'n', cwd: '/w', argv, env: {}, tags: {} });
const profile = (id: string): AgentProfile => BUILTIN_PROFILES.find((p) => p.id === id)!;

describe('prepareHeadless', () => {
  test('Claude Code: print mode, stream-json both ways, its own flags kept; the prompt in a 0600 file', async () => {
    const { ctx, writes, execs } = fakeCtx();
    const s = spec(['claude', '--session-id', 'u-1', '--settings', '/h/hooks/s.json']);
    await prepareHeadless(ctx, profile('claude'), s, 'abc', 'fix the bug');
    expect(s.argv).toEqual([
      'sh',
      '-c',
      HEADLESS_SCRIPT,
      'orchard-headless',
      '/h/pipes/abc',
      'claude',
      '-p',
      '--input-format',
      'stream-json',
      '--output-format',
      'stream-json',
      '--verbose',
      '--replay-user-messages',
      '--session-id',
      'u-1',
      '--settings',
      '/h/hooks/s.json',
    ]);
    expect(s.tags['@orchard_headless']).toBe('stream-json');
    expect(s.env).toEqual({});
    expect(writes).toEqual([
      {
        path: '/h/pipes/abc/prompt',
        data:
          JSON.stringify({
            type: 'user',
            message: { role: 'user', content: [{ type: 'text', text: 'fix the bug' }] },
          }) + '\n',
        mode: 0o600,
      },
    ]);
    // The folder and FIFO are made before the session starts (paths only as arguments).
    expect(execs[0]!.slice(-2)).toEqual(['orchard-pipes', '/h/pipes/abc']);
    expect(execs[0]![2]).toContain('mkfifo');
  });

  test('Codex: exec --json with the prompt as its last argument; a prompt is required', async () => {
    const { ctx, writes } = fakeCtx();
    const s = spec(['codex']);
    await prepareHeadless(ctx, profile('codex'), s, 'abc', 'write tests');
    expect(s.argv.slice(5)).toEqual(['codex', 'exec', '--json', 'write tests']);
    expect(s.tags['@orchard_headless']).toBe('argv');
    expect(writes).toEqual([]);
    await expect(prepareHeadless(ctx, profile('codex'), spec(['codex']), 'abc', undefined)).rejects.toThrow(
      /give --prompt/,
    );
  });

  test('agents without a headless mode are refused with what to do', async () => {
    const { ctx } = fakeCtx();
    await expect(prepareHeadless(ctx, profile('aider'), spec(['aider']), 'abc', 'x')).rejects.toThrow(
      /no headless mode/,
    );
    const off: AgentProfile = { ...profile('claude'), id: 'mine', headless: null };
    await expect(prepareHeadless(ctx, off, spec(['claude']), 'abc', 'x')).rejects.toThrow(
      /mine has no headless mode/,
    );
  });
});

test("a profile's headless field is checked when the config is read", () => {
  const cfg = (headless: unknown) =>
    JSON.stringify({ profiles: [{ id: 'p', label: 'P', kind: 'custom', command: ['x'], headless }] });
  expect(() => parseConfig(cfg({ args: ['--json'], input: 'pipe' }), 'config.json')).toThrow(
    /profiles\[0\]\.headless\.input: must be stream-json or argv/,
  );
  expect(parseConfig(cfg(null), 'config.json').profiles[0]!.headless).toBeNull();
  expect(parseConfig(cfg({ args: ['--json'], input: 'argv' }), 'config.json').profiles[0]!.headless).toEqual({
    args: ['--json'],
    input: 'argv',
  });
});
