// The real Codex, Gemini CLI and OpenCode for the `agents` test tier: where their binaries are
// (pinned versions, installed by .ci/run into ~/.cache/orchard-agents/<agent>), and a HOME of their
// own pointed at the mock model APIs (mock-models.ts), pre-seeded so no login blocks, with the given
// folders trusted (the others show the CLI's trust dialog).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type RealAgent = 'codex' | 'gemini' | 'opencode';

export const AGENT_VERSIONS: Record<RealAgent, string> = {
  codex: '0.171.0',
  gemini: '0.61.0',
  opencode: '1.18.33',
};
const PACKAGES: Record<RealAgent, string> = {
  codex: '@openai/codex',
  gemini: '@google/gemini-cli',
  opencode: 'opencode-ai',
};

/** The binary, or why the tier cannot run it. */
export function findAgent(agent: RealAgent): { bin: string } | { missing: string } {
  const envName = `ORCHARD_${agent.toUpperCase()}_BIN`;
  const bin =
    process.env[envName] || join(homedir(), `.cache/orchard-agents/${agent}/node_modules/.bin/${agent}`);
  if (existsSync(bin)) return { bin };
  return {
    missing:
      `real ${agent} not found at ${bin}: install it with npm install --prefix ~/.cache/orchard-agents/${agent} ` +
      `${PACKAGES[agent]}@${AGENT_VERSIONS[agent]} (or point ${envName} at it)`,
  };
}

/** Node for the CLIs that are node programs (Gemini CLI): the one running the tests. */
const pathEnv = () => `${join(process.execPath, '..')}:/usr/local/bin:/usr/bin:/bin`;

/** Codex: CODEX_HOME with the mock as its model provider, approvals on request, a read-only sandbox. */
export function codexEnv(dir: string, apiUrl: string, trusted: string[]): Record<string, string> {
  const home = join(dir, 'codex-home');
  mkdirSync(home, { recursive: true });
  const projects = trusted
    .map((p) => `[projects.${JSON.stringify(p)}]\ntrust_level = "trusted"\n`)
    .join('\n');
  writeFileSync(
    join(home, 'config.toml'),
    `model = "mock-model"
model_provider = "mock"
approval_policy = "on-request"
sandbox_mode = "read-only"
check_for_update_on_startup = false

[model_providers.mock]
name = "mock"
base_url = "${apiUrl}/v1"
wire_api = "responses"
env_key = "MOCK_API_KEY"

${projects}`,
  );
  return { CI: '', CODEX_HOME: home, MOCK_API_KEY: 'mock-key', PATH: pathEnv() };
}

/** Gemini CLI: a HOME with an API key chosen, the given folders trusted, the mock as its endpoint. */
export function geminiEnv(dir: string, apiUrl: string, trusted: string[]): Record<string, string> {
  const home = join(dir, 'gemini-home');
  mkdirSync(join(home, '.gemini'), { recursive: true });
  writeFileSync(
    join(home, '.gemini', 'settings.json'),
    JSON.stringify({
      security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: true } },
      general: { disableAutoUpdate: true, disableUpdateNag: true },
      privacy: { usageStatisticsEnabled: false },
      model: { name: 'gemini-2.5-flash' },
    }),
  );
  writeFileSync(
    join(home, '.gemini', 'trustedFolders.json'),
    JSON.stringify(Object.fromEntries(trusted.map((p) => [p, 'TRUST_FOLDER']))),
  );
  // CI cleared (see claudeEnv): with CI=true Gemini CLI runs headless and exits at once.
  return { CI: '', HOME: home, GEMINI_API_KEY: 'mock-key', GOOGLE_GEMINI_BASE_URL: apiUrl, PATH: pathEnv() };
}

/** OpenCode: a HOME and a config file with the mock as an OpenAI-compatible provider; tools ask. */
export function opencodeEnv(dir: string, apiUrl: string): Record<string, string> {
  const home = join(dir, 'opencode-home');
  mkdirSync(home, { recursive: true });
  const config = join(home, 'opencode.json');
  writeFileSync(
    config,
    JSON.stringify({
      autoupdate: false,
      share: 'disabled',
      model: 'mock/mock-model',
      small_model: 'mock/mock-model',
      provider: {
        mock: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Mock',
          options: { baseURL: `${apiUrl}/v1`, apiKey: 'mock-key' },
          models: { 'mock-model': { name: 'Mock Model' } },
        },
      },
      permission: { bash: 'ask', edit: 'ask' },
    }),
  );
  return {
    CI: '',
    HOME: home,
    OPENCODE_CONFIG: config,
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    PATH: pathEnv(),
  };
}

/**
 * A temp folder outside /tmp for the tier's ORCHARD_HOME: Gemini CLI skips a system settings file
 * whose parent folders are writable by others (/tmp is), and Orchard's hooks settings live there.
 */
export function privateTmp(): string {
  const d = join(homedir(), '.cache/orchard-agents/tmp');
  mkdirSync(d, { recursive: true, mode: 0o755 });
  return d;
}
