// Every payload that enters core through the router is parsed here first. Objects are strict
// (unknown keys are refused, not ignored), strings bounded, numbers integral and in range: what a
// handler receives is exactly the contract's type, whatever a client sent.
import { z } from 'zod';
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
const hostName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'host names are letters, digits, . _ - (at most 64)');
const cols = z.number().int().min(1).max(1000);
const rows = z.number().int().min(1).max(1000);
const empty = z.strictObject({});

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
    limits: z
      .strictObject({
        memory: z
          .number()
          .int()
          .min(16 * MiB)
          .max(2 ** 50)
          .optional(),
        cpu: z.number().min(1).max(100_000).optional(),
      })
      .optional(),
    force: z.boolean().optional(),
  })
  .refine((p) => !(p.agent !== undefined && p.command !== undefined), {
    message: 'agent and command exclude each other',
  })
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
  listHosts: empty,
  addHost: z.strictObject({
    name: hostName.refine((n) => n !== 'local', '"local" is this machine'),
    ssh: z
      .string()
      .regex(/^([^\s@:]+@)?[^\s@:/]+(:\d{1,5})?$/, 'ssh address is [user@]host[:port]')
      .optional(),
    identity: path.optional(),
  }),
  removeHost: z.strictObject({ name: hostName }),
  attach: z.strictObject({ term: termId, session: sessionId, cols, rows }),
  stats: empty,
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

/** "branch: must not be empty; cols: too big" — one line a user can read. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
