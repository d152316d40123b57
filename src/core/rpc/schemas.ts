// Every payload that enters core through the router is parsed here first. Objects are strict
// (unknown keys are refused, not ignored), strings bounded, numbers integral and in range: what a
// handler receives is exactly the contract's type, whatever a client sent.
import { z } from 'zod';
import { HOST_NAME, HOST_NAME_RULE, hasUnsafeChars, parseSshAddress } from '../../shared/address.ts';
import { OrchardError } from '../../shared/errors.ts';
import {
  MAX_KEYS,
  SUBSCRIBABLE_EVENTS,
  TMUX_KEY_PATTERN,
  type RequestName,
  type RequestParams,
  type SendName,
  type SendPayload,
} from '../../shared/api.ts';

const MiB = 1024 * 1024;
const text = (max: number) => z.string().max(max);
const nonEmpty = (max: number, what: string) =>
  z.string().min(1, `${what} must not be empty`).max(max, `${what} is too long`);

export const sessionId = z.string().regex(/^[0-9a-f]{1,64}$/i, 'not a session id');
export const termId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'terminal ids are [A-Za-z0-9_.:-]{1,64}');
const path = nonEmpty(4096, 'path');
const repoRef = nonEmpty(4096, 'repo');
const branch = nonEmpty(1024, 'branch');
/** Orchard's name for a host (`local` included): `--help`, `__proto__` and the like never pass. */
export const hostName = z
  .string()
  .max(64, 'host name is too long')
  .regex(HOST_NAME, `host names are ${HOST_NAME_RULE}`);
const cols = z.number().int().min(1).max(1000);
const rows = z.number().int().min(1).max(1000);
const empty = z.strictObject({});
const port = z.number().int().min(1).max(65535);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'not a sha256');
const decision = z.enum(['yes', 'always', 'no']);

// --- Hosts and limits (one schema for the router and the CLI: see parseRequest)

/** A file name on this machine: no control characters, no lone surrogates, not an option. */
const localFile = nonEmpty(4096, 'identity')
  .refine((f) => !hasUnsafeChars(f), 'identity holds control characters')
  .refine((f) => f.startsWith('/') || f.startsWith('~/'), 'identity must be an absolute path (or ~/…)');

const sshAddress = z
  .string()
  .max(300, 'ssh address is too long')
  .superRefine((spec, ctx) => {
    const t = parseSshAddress(spec);
    if (typeof t === 'string') ctx.addIssue({ code: 'custom', message: t });
  });

const addHost = z.strictObject({
  name: hostName.refine((n) => n !== 'local', '"local" is this machine'),
  ssh: sshAddress.optional(),
  identity: localFile.optional(),
});

const fingerprint = z
  .string()
  .regex(/^(SHA256:)?[A-Za-z0-9+/]{43}=?$/, 'a fingerprint is SHA256: and 43 base64 characters');

const limitValues = z.strictObject({
  memory: z
    .number()
    .int()
    .min(16 * MiB, 'memory limit is too small (at least 16M)')
    .max(2 ** 50)
    .optional(),
  cpu: z.number().min(1).max(100_000).optional(),
});
const objectId = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'not a git object id');

const spawn = z
  .strictObject({
    repo: repoRef,
    branch,
    newBranch: z.boolean().optional(),
    from: nonEmpty(1024, 'from').optional(),
    agent: nonEmpty(256, 'agent').optional(),
    command: nonEmpty(64 * 1024, 'command').optional(),
    cols: cols.optional(),
    rows: rows.optional(),
    limits: limitValues.optional(),
    force: z.boolean().optional(),
    skipSetup: z.boolean().optional(),
    headless: z.boolean().optional(),
    prompt: nonEmpty(MiB, 'prompt').optional(),
  })
  .refine((p) => !(p.agent !== undefined && p.command !== undefined), {
    message: 'agent and command exclude each other',
  })
  .refine((p) => p.prompt === undefined || p.headless === true, { message: 'prompt goes with headless' })
  .refine((p) => p.from === undefined || p.newBranch === true, { message: 'from goes with newBranch' });

type RequestSchemas = { [K in RequestName]: z.ZodType<RequestParams<K>> };

export const requestSchemas: RequestSchemas = {
  listRepos: empty,
  addRepo: z.strictObject({ path, name: nonEmpty(256, 'name').optional(), host: hostName.optional() }),
  removeRepo: z.strictObject({ repo: repoRef }),
  branches: z.strictObject({ repo: repoRef }),
  spawn,
  listSessions: empty,
  kill: z.strictObject({
    id: sessionId,
    removeWorktree: z.boolean().optional(),
    force: z.boolean().optional(),
  }),
  sendText: z.strictObject({
    id: sessionId,
    text: text(MiB),
    enter: z.boolean().optional(),
    force: z.boolean().optional(),
  }),
  keys: z.strictObject({
    id: sessionId,
    keys: z
      .array(z.string().regex(TMUX_KEY_PATTERN, 'not a key name (Escape, Enter, Up, Tab, C-c, a character…)'))
      .min(1, 'no keys given')
      .max(MAX_KEYS, `at most ${MAX_KEYS} keys at once`),
  }),
  capture: z.strictObject({ id: sessionId }),
  profiles: empty,
  preferences: empty,
  listHosts: empty,
  addHost,
  removeHost: z.strictObject({ name: hostName }),
  testHost: z.strictObject({ name: hostName }),
  hostKey: z.strictObject({ name: hostName }),
  trustHost: z.strictObject({ name: hostName, fingerprint, replace: z.boolean().optional() }),
  hostInfo: z.strictObject({ name: hostName }),
  answerPassphrase: z.strictObject({
    id: z.string().regex(/^[0-9a-f]{16}$/, 'not a passphrase request id'),
    passphrase: z.string().max(4096, 'passphrase is too long').nullable(),
    remember: z.boolean().optional(),
  }),
  setLimits: z.strictObject({
    id: sessionId,
    limits: limitValues.refine(
      (l) => l.memory !== undefined || l.cpu !== undefined,
      'give memory and/or cpu',
    ),
  }),
  attach: z.strictObject({ term: termId, session: sessionId, cols, rows }),
  stats: empty,
  ports: z.strictObject({ id: sessionId.optional() }),
  forwardStart: z.strictObject({ id: sessionId, port, localPort: port.optional() }),
  forwardStop: z.strictObject({ localPort: port }),
  forwardList: empty,
  resume: z.strictObject({ id: sessionId, fresh: z.boolean().optional() }),
  resumeAll: z.strictObject({ host: hostName.optional() }),
  forget: z.strictObject({ id: sessionId }),
  // Review (src/core/review): kept together.
  diff: z.strictObject({ id: sessionId, base: branch.optional(), patches: z.boolean().optional() }),
  filePatch: z.strictObject({
    id: sessionId,
    mergeBase: objectId,
    tree: objectId,
    path,
    oldPath: path.optional(),
  }),
  commit: z.strictObject({
    id: sessionId,
    message: nonEmpty(64 * 1024, 'message'),
    all: z.boolean().optional(),
  }),
  merge: z.strictObject({
    id: sessionId,
    into: branch.optional(),
    mode: z.enum(['merge', 'squash', 'rebase']).optional(),
    all: z.boolean().optional(),
    message: nonEmpty(64 * 1024, 'message').optional(),
    deleteBranch: z.boolean().optional(),
    deleteWorktree: z.boolean().optional(),
  }),
  push: z.strictObject({ id: sessionId }),
  createPr: z.strictObject({
    id: sessionId,
    title: nonEmpty(1024, 'title').optional(),
    body: text(64 * 1024).optional(),
    draft: z.boolean().optional(),
  }),
  setBase: z.strictObject({ id: sessionId, base: branch }),
  cleanup: z.strictObject({ id: sessionId }),
  gc: z.strictObject({ dryRun: z.boolean().optional() }),
  setupPlan: z.strictObject({
    repo: repoRef,
    branch: branch.optional(),
    newBranch: z.boolean().optional(),
    from: nonEmpty(1024, 'from').optional(),
  }),
  repoTrust: z.strictObject({ repo: repoRef, setup: sha256.optional(), teardown: sha256.optional() }),
  setupAction: z.strictObject({ id: sessionId, action: z.enum(['retry', 'skip']) }),
  // Answering agents: kept together.
  approve: z.strictObject({ id: sessionId, decision, expect: text(4096).optional() }),
  approveAll: z.strictObject({
    decision,
    ids: z.array(sessionId).max(1000).optional(),
    repo: repoRef.optional(),
    host: hostName.optional(),
    tool: nonEmpty(200, 'tool').optional(),
    dryRun: z.boolean().optional(),
  }),
  broadcast: z
    .strictObject({
      to: nonEmpty(4096, 'to').optional(),
      ids: z.array(sessionId).min(1).max(1000).optional(),
      text: nonEmpty(MiB, 'text'),
      enter: z.boolean().optional(),
    })
    .refine((b) => (b.to === undefined) !== (b.ids === undefined), 'give either to or ids'),
  // Headless sessions (src/core/sessions/headless*.ts): messages go through sendText.
  headlessEvents: z.strictObject({
    id: sessionId,
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  }),
};

type SendSchemas = { [K in SendName]: z.ZodType<SendPayload<K>> };

const event = z.enum(SUBSCRIBABLE_EVENTS);

export const sendSchemas: SendSchemas = {
  terminalInput: z.strictObject({ term: termId, data: text(MiB) }),
  terminalResize: z.strictObject({ term: termId, cols, rows }),
  terminalAck: z.strictObject({ term: termId, chars: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
  detach: z.strictObject({ term: termId }),
  subscribe: z.strictObject({ event }),
  unsubscribe: z.strictObject({ event }),
};

/** The envelope; `ch` and `p` are checked against the allow-list and the schemas above afterwards. */
export const clientMessage = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('req'),
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    ch: z.string().max(64),
    p: z.unknown(),
  }),
  z.strictObject({ t: z.literal('send'), ch: z.string().max(64), p: z.unknown() }),
]);

/**
 * A request's params checked by the router's own schema, for callers that do not come through the
 * router (the CLI): the same rules, the same messages.
 */
export function parseRequest<K extends RequestName>(name: K, params: unknown): RequestParams<K> {
  const parsed = requestSchemas[name].safeParse(params);
  if (!parsed.success) throw new OrchardError('invalid-argument', describeIssues(parsed.error));
  return parsed.data;
}

/** "branch: must not be empty; cols: too big" — one line a user can read. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
