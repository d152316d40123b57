// The one function that turns argv into a POSIX shell command line (for SSH exec, where the remote
// side needs a string). Every argument is single-quoted (a single quote becomes '\''), except words
// made only of characters no shell treats specially. '=' is not among them: a leading one is zsh's
// command expansion, and `a=b` as the first word is an assignment, not a command. Nothing else
// builds shell strings from data.

export function shQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('argument contains a NUL byte');
  if (arg !== '' && /^[A-Za-z0-9_\-./:,@%+]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shJoin(argv: readonly string[]): string {
  return argv.map(shQuote).join(' ');
}
