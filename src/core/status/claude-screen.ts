// Claude Code's screen, read by its structure rather than by the lowest matching line (from the
// real screens of Claude Code 2.1.332, test/fixtures/screens/claude-2.1.332/). Its TUI ends in one
// of two regions:
//
//   the input box       ─────────              a full-width rule,
//                       ❯ <draft>               the prompt line (and its continuation),
//                       ─────────              a rule,
//                         ⏸ manual mode on · esc to interrupt      the footer: "esc to interrupt"
//                                                                   while a turn runs (but not while
//                                                                   a draft is typed: then the spinner
//                                                                   above the box, "✢ Orchestrating…
//                                                                   (2s · ↓ 5 tokens)", tells), else idle
//   a dialog            ─────────              a rule, then the dialog to the bottom: a tool's
//                        Bash command           permission ("Do you want to proceed?", "Esc to
//                        …                      cancel · Tab to amend"), an AskUserQuestion ("☐
//                        Do you want to proceed?   Header", "Enter to select · ↑/↓ to navigate"), or
//                        ❯ 1. Yes               a first-run dialog (trust this folder, make auto
//                                                  mode the default, login, API key).
//
// Text is compared with lines joined and spaces squeezed, so a phrase wrapped at 60 columns
// matches like one at 200; colours never reach here (capture-pane without -e).
import type { ScreenVerdict } from './patterns.ts';

const RULE = /^\s*─{8,}\s*$/;
const PROMPT = /^\s*[❯>](\s|$)/;
const OPTION = /^\s*(❯\s*)?\d+\.\s/;
const DASHES = /^\s*╌{8,}\s*$/;
const CHECKBOX = /^\s*[☐☒✔]\s+\S/;
/** The spinner of a running turn: a glyph, a verb, an ellipsis, "(2s · …": not "✻ Churned for 9s". */
const SPINNER = /^\s*[^\w\s]\s+\S.*…\s*\(/;

const SETUP = [
  /is this a project you created or one you trust/i,
  /\btrust (this|the files in this) folder\b/i,
  /\baccessing workspace:/i,
  /\bmake auto mode your default\b/i,
  /\bdo you want to use this api key\b/i,
  /\bselect login method\b/i,
  /\bchoose the text style\b/i,
  /\bsecurity notes:/i,
];
const PERMISSION = [
  /\bdo you want to (proceed|create|make (this|these) edits?|overwrite|allow|fetch|run|delete)\b/i,
  /esc to cancel · tab to amend/i,
  /this command requires approval/i,
];
const QUESTION = [/enter to select · ↑\/↓ to navigate/i];

const squeeze = (lines: readonly string[]) =>
  lines
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');

/** The first sentence that asks something ("Is this a project you created or one you trust?"). */
function firstQuestion(text: string): string | undefined {
  for (const s of text.split(/(?<=[.:!?])\s+/)) if (s.endsWith('?')) return s.slice(0, 200);
  return undefined;
}

function dialogVerdict(region: string[]): ScreenVerdict | null {
  const text = squeeze(region);
  if (SETUP.some((re) => re.test(text))) {
    const q = firstQuestion(text);
    return { state: 'waiting', reason: 'setup', ...(q ? { detail: q } : {}) };
  }
  const header = region.findIndex((l) => CHECKBOX.test(l));
  if (header >= 0 || QUESTION.some((re) => re.test(text))) {
    const after = region.slice(header + 1);
    const end = after.findIndex((l) => OPTION.test(l));
    const q = squeeze(end >= 0 ? after.slice(0, end) : after.slice(0, 1));
    return { state: 'waiting', reason: 'question', ...(q ? { detail: q.slice(0, 200) } : {}) };
  }
  if (PERMISSION.some((re) => re.test(text))) {
    const title = region.find((l) => l.trim())?.trim();
    const dash = region.findIndex((l) => DASHES.test(l));
    const what =
      dash >= 0
        ? region
            .slice(dash + 1)
            .find((l) => l.trim() && !DASHES.test(l))
            ?.trim()
        : undefined;
    const detail = [title, what].filter(Boolean).join(': ').slice(0, 200);
    return { state: 'waiting', reason: 'permission', ...(detail ? { detail } : {}) };
  }
  return null;
}

/** What Claude Code's screen shows, or null when it has neither an input box nor a known dialog. */
export function judgeClaudeScreen(screen: string): ScreenVerdict | null {
  const lines = screen.split('\n').map((l) => l.replace(/\s+$/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const rules: number[] = [];
  lines.forEach((l, i) => RULE.test(l) && rules.push(i));
  if (!rules.length) return null;
  const last = rules[rules.length - 1]!;
  const prev = rules.length > 1 ? rules[rules.length - 2]! : -1;
  // The input box: a rule, the prompt line (a draft may take a few lines), a rule, the footer.
  if (prev >= 0 && last - prev <= 12 && PROMPT.test(lines[prev + 1] ?? '') && lines.length - last <= 5) {
    const footer = squeeze(lines.slice(last + 1));
    if (/esc to interrupt/i.test(footer)) return { state: 'working' };
    // Tips and hints may sit between the spinner and the box.
    const above = lines
      .slice(0, prev)
      .filter((l) => l.trim())
      .slice(-4);
    if (above.some((l) => SPINNER.test(l))) return { state: 'working' };
    return { state: 'idle' };
  }
  // A dialog: from its top rule (a rule followed by an option, as AskUserQuestion's "Chat about
  // this", is inside the dialog) to the bottom.
  let top = last;
  for (let k = rules.length - 1; k >= 0; k--) {
    top = rules[k]!;
    const next = lines.slice(top + 1).find((l) => l.trim());
    if (!next || !OPTION.test(next)) break;
  }
  return dialogVerdict(lines.slice(top + 1));
}
