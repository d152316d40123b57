// The one schema of config.json, applied on every read: a hand-edited file with a wrong field is
// refused with the field's path ("repos[1].path: ..."), not half-used until something breaks far
// away. Sections left out get their defaults; keys this version does not know are kept (objects are
// loose), so a file written by a newer Orchard survives a write by an older one.
import { z } from 'zod';
import { OrchardError } from '../../shared/errors.ts';
import { defaultConfig, type OrchardConfig } from './store.ts';

const str = z.string({ error: 'must be a string' });
const name = str.min(1, 'must not be empty');
const strings = z.array(str, { error: 'must be a list of strings' });
const bytes = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .nonnegative('must be >= 0');

const repo = z.looseObject({
  name,
  host: name,
  path: name,
  worktreeRoot: name.optional(),
});

const host = z.looseObject({
  name,
  ssh: name.optional(),
  identity: name.optional(),
  tmuxSocket: name.optional(),
});

const profile = z.looseObject({
  id: name,
  label: str,
  kind: z.enum(['claude', 'codex', 'gemini', 'aider', 'opencode', 'custom'], {
    error: 'must be one of claude, codex, gemini, aider, opencode, custom',
  }),
  command: strings.min(1, 'must name a program'),
  expectedMemory: bytes.optional(),
  env: z.record(str, str, { error: 'must be an object of strings' }).optional(),
  screenPatterns: z
    .looseObject({
      working: strings.optional(),
      permission: strings.optional(),
      question: strings.optional(),
      idle: strings.optional(),
    })
    .optional(),
  // Headless mode (src/core/sessions/headless.ts); null: the agent has none.
  headless: z
    .looseObject({
      args: strings,
      input: z.enum(['stream-json', 'argv'], { error: 'must be stream-json or argv' }),
    })
    .nullable()
    .optional(),
});

const preferences = z.looseObject({
  defaultAgent: name.default('claude'),
  memoryReserve: bytes.optional(),
  notifications: z
    .looseObject({
      muted: z.boolean({ error: 'must be true or false' }).optional(),
      mutedProfiles: strings.optional(),
    })
    .optional(),
});

const trustedKey = z.looseObject({ host: name, keyType: name, key: name, fingerprint: name, addedAt: str });

const list = <T extends z.ZodType>(item: T) => z.array(item, { error: 'must be a list' }).default([]);

export const configSchema = z.looseObject({
  version: z.literal(1, { error: 'must be 1 (written by another version of Orchard?)' }).default(1),
  repos: list(repo),
  hosts: list(host),
  profiles: list(profile),
  preferences: preferences.default(() => ({ defaultAgent: defaultConfig().preferences.defaultAgent })),
  trustedHostKeys: z.array(trustedKey, { error: 'must be a list' }).optional(),
});

/** repos[1].path, preferences.defaultAgent, (top level) */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(the whole file)';
}

/** Parse config.json's text; a clear error naming the file and the first bad fields. */
export function parseConfig(text: string, file: string): OrchardConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new OrchardError(
      'invalid-argument',
      `config file ${file} is not valid JSON (${(e as Error).message}); fix or remove it`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new OrchardError(
      'invalid-argument',
      `config file ${file} must hold a JSON object; fix or remove it`,
    );
  const r = configSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 3).map((i) => `${fieldPath(i.path)}: ${i.message}`);
    const more = r.error.issues.length > 3 ? ` (and ${r.error.issues.length - 3} more)` : '';
    throw new OrchardError(
      'invalid-argument',
      `config file ${file} is invalid: ${issues.join('; ')}${more}; fix or remove it`,
    );
  }
  return r.data as OrchardConfig;
}
