// Codex's screen, read by its structure (from the real screens of Codex CLI 0.171.0,
// test/fixtures/screens/codex-0.171.0/). The bottom of the screen is one of:
//
//   the composer        › Ask Codex to do anything        the input line (placeholder or draft),
//                         mock-model default · /path      then a status line and a hint line
//                         ← for agents · ? for shortcuts   ("? for shortcuts", "shift+tab to cycle")
//     with, just above it, "◦ Working (3s • esc to interrupt)" while a turn thinks or runs a tool.
//     While the answer streams that line is gone: the turn is still running until its closing
//     "Worked for 6s" (or "■ Conversation interrupted") follows the user's last message.
//   an approval         Would you like to run the following command?   … "$ <command>", options,
//                       "Press enter to confirm or esc to cancel"
//   a question          Question 1/1 (…) <question> options, "enter to submit answer | esc to
//                       interrupt" (Plan mode's request_user_input): "esc to interrupt" here is NOT
//                       a running turn
//   first-start         "Trust this folder?" (enter continue · esc back), the login choice ("Sign
//                       in with ChatGPT" … "Press enter to continue")
import { screenLines, squeeze, UNKNOWN, waiting, type ScreenVerdict } from './verdict.ts';

/** The composer's input line: "›" in the first column, not an option ("› 1. Yes, proceed"). */
const COMPOSER = /^›(\s|$)(?!\s*\d+\.\s)/;
const COMPOSER_HINT = /for shortcuts|shift\+tab to cycle|tab to queue|ctrl\+j newline|esc to interrupt/i;
const WORKING_LINE = /^\s*[•◦]\s+Working\b|esc to interrupt/i;
/** What closes a turn in the transcript. */
const TURN_END = /^\s*(─\s*)?Worked for\b|^■\s|^\s*■ Conversation interrupted/;

function approval(region: string[]): ScreenVerdict {
  const title = region.find((l) => /Would you like to/i.test(l))?.trim();
  const cmd = region.find((l) => /^\s*\$\s+\S/.test(l))?.replace(/^\s*\$\s+/, '');
  if (cmd) return waiting('permission', `Run: ${cmd.trim()}`);
  // An edit or another request: its title and the first line of what it shows.
  const i = region.findIndex((l) => /Would you like to/i.test(l));
  const what =
    i >= 0 ? region.slice(i + 1).find((l) => l.trim() && !/^\s*(›\s*)?\d+\.\s/.test(l)) : undefined;
  return waiting('permission', [title, what?.trim()].filter(Boolean).join(' '));
}

function question(region: string[]): ScreenVerdict {
  const q = region
    .slice(1)
    .find((l) => l.trim() && !/^\s*(›\s*)?\d+\.\s/.test(l))
    ?.trim();
  return waiting('question', q);
}

function composer(lines: string[], c: number): ScreenVerdict {
  // The few lines above the composer: the "Working (…)" indicator sits there.
  const above = lines
    .slice(Math.max(0, c - 4), c)
    .filter((l) => l.trim())
    .slice(-2);
  if (above.some((l) => WORKING_LINE.test(l))) return { state: 'working' };
  // No indicator: a streaming answer, unless the user's last message has been answered in full.
  let u = -1;
  for (let k = c - 1; k >= 0; k--)
    if (COMPOSER.test(lines[k]!) && lines[k]!.trim() !== '›') {
      u = k;
      break;
    }
  if (u < 0) return { state: 'idle' };
  const after = lines.slice(u + 1, c);
  if (after.some((l) => TURN_END.test(l))) return { state: 'idle' };
  // A message that got nothing back yet but a mode change ("• Model changed to …") is answered.
  const content = after.filter((l) => l.trim());
  if (content.length && content.every((l) => /^\s*•\s+Model changed\b/.test(l))) return { state: 'idle' };
  return { state: 'working' };
}

export function judgeCodexScreen(screen: string): ScreenVerdict {
  const lines = screenLines(screen);
  if (!lines.length) return UNKNOWN;
  const bottom = lines.slice(-30);
  const footer = squeeze(bottom.slice(-3));
  if (/press enter to confirm or esc to cancel/i.test(footer)) {
    const top = bottom.findLastIndex((l) => /Would you like to/i.test(l));
    return approval(top >= 0 ? bottom.slice(top) : bottom);
  }
  if (/enter to submit answer/i.test(footer)) {
    const top = bottom.findLastIndex((l) => /^\s*Question \d+\/\d+/.test(l));
    return question(top >= 0 ? bottom.slice(top) : bottom);
  }
  const text = squeeze(bottom);
  if (/\bTrust this folder\?/i.test(text) && /enter continue/i.test(footer))
    return waiting('setup', 'Trust this folder?');
  if (
    /\bSign in with ChatGPT\b|choose how you want to use Codex/i.test(text) &&
    /press enter to continue/i.test(footer)
  )
    return waiting('setup', 'Sign in to Codex (choose how you want to use Codex)');
  // The composer: its input line, then at most a few lines (a wrapped draft, status, hints).
  for (let c = lines.length - 1; c >= Math.max(0, lines.length - 8); c--) {
    if (!COMPOSER.test(lines[c]!)) continue;
    if (!lines.slice(c + 1).some((l) => COMPOSER_HINT.test(l) || /·/.test(l))) break;
    return composer(lines, c);
  }
  return UNKNOWN;
}
