// Expected failures are values with a code and a clear message; never a stack trace for the user.

export type ErrorCode =
  | 'invalid-argument'
  | 'not-found'
  | 'repo-not-found'
  | 'not-a-repo'
  | 'branch-not-found'
  | 'branch-exists'
  | 'invalid-branch-name'
  | 'session-not-found'
  | 'session-exists'
  | 'worktree-dirty'
  | 'worktree-main'
  | 'worktree-not-owned'
  | 'worktree-locked'
  | 'tool-missing'
  | 'tool-too-old'
  | 'profile-not-found'
  | 'host-not-found'
  | 'host-unreachable'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'auth-failed'
  | 'admission-refused'
  /** A committed .orchard/setup or teardown whose exact content the user has not trusted yet. */
  | 'setup-untrusted'
  /** The repo's teardown failed before a worktree removal: nothing was killed or removed. */
  | 'teardown-failed'
  | 'command-failed'
  | 'internal';

export class OrchardError extends Error {
  readonly code: ErrorCode;
  readonly detail?: string;
  constructor(code: ErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'OrchardError';
    this.code = code;
    this.detail = detail;
  }
}

export function isOrchardError(e: unknown): e is OrchardError {
  return e instanceof OrchardError;
}

/** Serializable form, for transports and `--json` output. */
export interface ErrorValue {
  code: ErrorCode;
  message: string;
  detail?: string;
}

export function toErrorValue(e: unknown): ErrorValue {
  if (isOrchardError(e))
    return { code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}) };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}
