// The one place a remote command line is made: argv (plus cwd and env) → a POSIX sh script built
// with shJoin only, run as `exec sh -c '<script>'` so the user's login shell (bash, zsh, dash...)
// only ever sees one single-quoted word: zsh's `=word` expansion and friends never apply to data.
import { OrchardError } from '../../shared/errors.ts';
import { shJoin } from '../util/quote.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * sshd sets no locale unless the client sends LANG (OpenSSH's SendEnv; ssh2 does not) and the
 * server accepts it. Without a UTF-8 locale tmux turns control and non-ASCII characters in its
 * output into '_' (list-panes separators, branch names, captured screens), so a session would look
 * gone. Constant text, no data: give commands a UTF-8 character type when they have none.
 */
export const LOCALE_PRELUDE =
  'case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in *[Uu][Tt][Ff]-8*|*[Uu][Tt][Ff]8*) ;; ' +
  '*) if [ -n "${LC_ALL:-}" ]; then export LC_ALL=C.UTF-8; else export LC_CTYPE=C.UTF-8; fi ;; esac; ';

export interface CommandLineOptions {
  cwd?: string;
  env?: Record<string, string>;
}

/** `<locale prelude> cd -- <dir> && exec env -- K=V ... argv`, wrapped in `exec sh -c`. */
export function remoteCommandLine(argv: readonly string[], opts: CommandLineOptions = {}): string {
  if (!argv.length || !argv[0]) throw new OrchardError('invalid-argument', 'empty command');
  const env = Object.entries(opts.env ?? {});
  for (const [k] of env)
    if (!ENV_NAME.test(k))
      throw new OrchardError('invalid-argument', `not an environment variable name: ${JSON.stringify(k)}`);
  const run = env.length
    ? ['exec', 'env', '--', ...env.map(([k, v]) => `${k}=${v}`), ...argv]
    : ['exec', ...argv];
  const cd = opts.cwd !== undefined ? `${shJoin(['cd', '--', opts.cwd])} && ` : '';
  const script = LOCALE_PRELUDE + cd + shJoin(run);
  return shJoin(['exec', 'sh', '-c', script]);
}
