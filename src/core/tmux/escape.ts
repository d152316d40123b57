// tmux parses its own argv: an argument that ends in ';' ends the command (the ';' is dropped), and
// '\;' at the end stands for a literal ';'. Arguments that tmux expands as formats (-c, -F) also
// treat '#' specially ('#(cmd)' runs a shell command!). Every data argument goes through these.

/** Make `value` reach tmux exactly as it is, as a plain (non-format) argument. */
export function tmuxLiteral(value: string): string {
  return value.endsWith(';') ? `${value.slice(0, -1)}\\;` : value;
}

/** For arguments tmux expands as a format (new-session -c, display -F): '#' becomes '##'. */
export function tmuxFormatLiteral(value: string): string {
  return tmuxLiteral(value.replace(/#/g, '##'));
}

/** Field and record separators for -F output: control characters git forbids in ref names. */
export const FIELD_SEP = '\x1f';
export const RECORD_END = '\x1e';
