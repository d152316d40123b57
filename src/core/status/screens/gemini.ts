// Gemini CLI's screen, read by its structure (from the real screens of Gemini CLI 0.61.0,
// test/fixtures/screens/gemini-0.61.0/). The bottom of the screen is one of:
//
//   the input box       ⠏ Thinking... (esc to cancel, 1s)     ? for shortcuts   the spinner line
//                       ──────────────────────                                   (only while a turn
//                        Shift+Tab to accept edits                               runs), a rule, hints,
//                       ▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄                                   the box: "> " and the
//                        >   Type your message or @path/to/file                 placeholder or a draft,
//                       ▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀                                   then the status lines
//                        workspace (/directory)   sandbox   /model
//     The placeholder is in the box on every screen, a running turn included: only the spinner
//     line above the box says working.
//   a dialog box         ╭───╮ … ╰───╯ at the bottom, no input box below it: a tool's approval
//                        ("? Shell  touch x" … "Allow execution of [Shell]?"), a question ("Answer
//                        Questions", "Enter to select · ↑/↓ to navigate · Esc to cancel": "Esc to
//                        cancel" here is NOT a running turn), or a first-start dialog (trust the
//                        folder, choose how to authenticate, enter the API key).
import { screenLines, squeeze, UNKNOWN, waiting, type ScreenVerdict } from './verdict.ts';

const BOX_TOP = /^▄{8,}$/;
const BOX_BOTTOM = /^▀{8,}$/;
const BOX_PROMPT = /^\s*(>|!|\*)\s/;
/** A running turn: a braille spinner, a phrase, "(esc to cancel, 2s)". */
const SPINNER = /^\s*[⠀-⣿]\s+\S.*\(esc to cancel/;
const DIALOG_TOP = /^\s?╭─{8,}╮$/;

/** A dialog line without its frame ("│ text │", nested "│ │ text │ │"). */
const unframe = (l: string) => l.replace(/^[\s│╭╰─╮╯]+|[\s│╭╰─╮╯]+$/g, '');

function dialog(region: string[]): ScreenVerdict | null {
  const inner = region.map(unframe);
  const text = squeeze(inner);
  if (/Do you trust the files in this folder\?/i.test(text))
    return waiting('setup', 'Do you trust the files in this folder?');
  if (/How would you like to authenticate/i.test(text))
    return waiting('setup', 'How would you like to authenticate for this project?');
  if (/Enter Gemini API Key/i.test(text)) return waiting('setup', 'Enter Gemini API Key');
  if (
    /Allow execution of|Apply this change\?|Allow (once|for this session)|Do you want to proceed\?/i.test(
      text,
    )
  ) {
    // The header names the tool and what it does: "? Shell  touch "ran file.txt"".
    const head = inner.find((l) => /^\?\s+\S/.test(l));
    const ask = inner.find((l) => /\?$/.test(l) && !/^\?\s/.test(l));
    return waiting('permission', head ? head.replace(/^\?\s+(\S+)\s+/, '$1: ') : ask);
  }
  if (/Answer Questions|Enter to select · ↑\/↓ to navigate/i.test(text)) {
    const start = inner.findIndex((l) => /^Answer Questions/i.test(l));
    const q = inner
      .slice(start + 1)
      .find((l) => l && !/^(●\s*)?\d+\.\s/.test(l) && !/^Enter to select/i.test(l));
    return waiting('question', q);
  }
  return null;
}

export function judgeGeminiScreen(screen: string): ScreenVerdict {
  const lines = screenLines(screen);
  // The input box, near the bottom (status lines below it).
  for (let b = lines.length - 1; b >= Math.max(1, lines.length - 8); b--) {
    if (!BOX_BOTTOM.test(lines[b]!)) continue;
    let t = b - 1;
    while (t >= 0 && b - t <= 12 && !BOX_TOP.test(lines[t]!)) t--;
    if (t < 0 || !BOX_TOP.test(lines[t]!) || !BOX_PROMPT.test(lines[t + 1] ?? '')) continue;
    const above = lines
      .slice(Math.max(0, t - 6), t)
      .filter((l) => l.trim())
      .slice(-4);
    return above.some((l) => SPINNER.test(l)) ? { state: 'working' } : { state: 'idle' };
  }
  // A dialog box that reaches the bottom of the screen.
  if (/^\s?╰─+╯$/.test(lines[lines.length - 1] ?? '')) {
    const top = lines.findLastIndex((l) => DIALOG_TOP.test(l));
    if (top >= 0) return dialog(lines.slice(top)) ?? UNKNOWN;
  }
  return UNKNOWN;
}
