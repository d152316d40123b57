// OpenCode's screen, read by its structure (from the real screens of OpenCode 1.18.33,
// test/fixtures/screens/opencode-1.18.33/). The bottom of the screen is one of:
//
//   the prompt box      ┃  <draft or placeholder>          a bar-framed box closed by "╹▀▀▀▀",
//                       ┃  Build · Mock Model Mock          then one footer line: "⬝⬝■■■■  esc
//                       ╹▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀              interrupt" (or "esc again to interrupt")
//                          ■■■⬝⬝  esc interrupt   …         while a turn runs, else the folder or
//                                                           "tab agents  ctrl+p commands"
//   a permission        ┃  △ Permission required            a bar-framed block at the bottom: what
//                       ┃    # Shell command                 kind of request, what it runs, and
//                       ┃  $ touch x                         the choices (no prompt box below)
//                       ┃   Allow once   Allow always   Reject      … enter confirm
//   a question          ┃  Which database should we use?     the question tool: options, then
//                       ┃  1. Postgres …                     "↑↓ select  enter submit  esc dismiss"
import { screenLines, squeeze, UNKNOWN, waiting, type ScreenVerdict } from './verdict.ts';

const BOX_END = /^\s*╹▀{8,}/;
const BAR = /^\s*┃/;
const unbar = (l: string) => l.replace(/^\s*┃\s?/, '').trim();
/**
 * A line without what OpenCode's sidebar puts beside it in a wide pane (from ~160 columns: the
 * folder, "• OpenCode 1.18.33", the context used), after a wide gap.
 */
const mainColumn = (l: string) => l.replace(/\s{6,}\S.*$/, '');

/** The bar-framed block that ends the screen (the dialog), without its bars. */
function lastBlock(lines: string[]): string[] {
  let i = lines.length - 1;
  while (i >= 0 && !BAR.test(lines[i]!)) i--;
  const end = i;
  while (i >= 0 && BAR.test(lines[i]!)) i--;
  return lines.slice(i + 1, end + 1).map(unbar);
}

export function judgeOpencodeScreen(screen: string): ScreenVerdict {
  const lines = screenLines(screen);
  if (!lines.length) return UNKNOWN;
  // The prompt box: its closing line, then the footer (on the start screen the box is centred: the
  // folder and the version are at the bottom, below as many blank lines as the pane is tall). At
  // most a few lines of text come after the box.
  for (let b = lines.length - 1, text = 0; b >= 0 && text <= 20; b--) {
    if (BAR.test(lines[b]!)) break; // a dialog's block ends the screen
    if (lines[b]) text++;
    if (!BOX_END.test(lines[b]!)) continue;
    const footer = squeeze(lines.slice(b + 1));
    return /\besc (again to )?interrupt\b/i.test(footer) ? { state: 'working' } : { state: 'idle' };
  }
  const block = lastBlock(lines.slice(-30)).map(mainColumn);
  const text = squeeze(block);
  if (/\bPermission required\b/i.test(text) && /\b(Allow once|Reject)\b/.test(text)) {
    const kind = block.find((l) => /^#\s+\S/.test(l))?.replace(/^#\s+/, '');
    const what = block.find((l) => /^\$\s+\S/.test(l))?.replace(/^\$\s+/, '');
    const detail = [kind, what].filter(Boolean).join(': ');
    return waiting('permission', detail || 'Permission required');
  }
  if (/\benter submit\b/i.test(text) && /\b(esc dismiss|select)\b/i.test(text)) {
    const q = block.find((l) => l && !/^\d+\.\s/.test(l));
    return waiting('question', q);
  }
  return UNKNOWN;
}
