// Reading an agent's permission dialog off its screen and choosing an option by its text. Pure:
// the screen comes in as text, the keys go out as tmux key names. An option is found by what it
// says, never by its position, so a reordered or extended dialog (Claude Code adds "switch to auto
// mode" options between "Yes" and "No") is not mis-answered.
import type { ApprovalDecision } from '../../shared/approve.ts';
import type { AgentKind, AgentProfile, ApprovalSpec } from '../../shared/model.ts';

export interface DialogOption {
  n: number;
  text: string;
}

export interface Dialog {
  options: DialogOption[];
  /** The highlighted option's number (❯), when the dialog shows one. */
  cursor?: number;
}

/** Claude Code 2.1: "1. Yes" / "2. Yes, and don't ask again for …" | "Yes, and always allow access to …" / "No". */
const CLAUDE: Required<ApprovalSpec> = {
  yes: ['^Yes$', '^Yes \\(y\\)$'],
  // Not "Yes, and switch to auto mode": that changes the whole session's mode, not this request.
  always: ['^Yes, and (don.t ask again|always allow|switch to accept edits)', '^Yes, allow all'],
  no: ['^No\\b'],
  keys: 'digit',
};

const GENERIC: Required<ApprovalSpec> = {
  yes: ['^(yes|allow|approve)( once)?$', '^(yes|allow|approve)\\b(?!,)'],
  always: ['\\b(always|don.t ask again|for this session|allow all)\\b'],
  no: ['^(no|deny|reject|decline)\\b'],
  keys: 'digit-enter',
};

const BY_KIND: Partial<Record<AgentKind, Required<ApprovalSpec>>> = { claude: CLAUDE };

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

/** The profile's own spec over its kind's; the store does not check profiles, so bad fields are ignored. */
export function approvalSpec(profile: Pick<AgentProfile, 'kind' | 'approval'>): Required<ApprovalSpec> {
  const base = BY_KIND[profile.kind] ?? GENERIC;
  const own = (profile.approval ?? {}) as Record<string, unknown>;
  const keys = own['keys'];
  return {
    yes: strings(own['yes']) ?? base.yes,
    always: strings(own['always']) ?? base.always,
    no: strings(own['no']) ?? base.no,
    keys: keys === 'digit' || keys === 'digit-enter' || keys === 'arrows' ? keys : base.keys,
  };
}

const OPTION = /^\s*(❯|›|>)?\s*(\d{1,2})[.)]\s+(.*\S)\s*$/;

/**
 * The last numbered list on the screen (1, 2, 3… in order); wrapped option text (indented lines
 * under an option) is joined to it. A line that is neither ends the option it follows.
 */
export function parseDialog(screen: string): Dialog | undefined {
  let groups: Dialog[] = [];
  let cur: Dialog | undefined;
  let open: DialogOption | undefined;
  for (const raw of screen.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const m = OPTION.exec(line);
    if (m) {
      const n = Number(m[2]);
      if (n === 1) {
        cur = { options: [] };
        groups.push(cur);
      } else if (!cur || cur.options[cur.options.length - 1]?.n !== n - 1) {
        cur = undefined;
        open = undefined;
        continue;
      }
      open = { n, text: m[3]! };
      cur.options.push(open);
      if (m[1]) cur.cursor = n;
      continue;
    }
    // A continuation: indented deeper than a marker column, right under an option.
    if (open && /^\s{4,}\S/.test(line) && !/^\s*[─╌]/.test(line)) open.text += ` ${line.trim()}`;
    else open = undefined;
  }
  groups = groups.filter((g) => g.options.length >= 2);
  return groups[groups.length - 1];
}

/** The option for a decision, or why there is none (no match, or more than one). */
export function pickOption(
  dialog: Dialog,
  decision: ApprovalDecision,
  spec: Required<ApprovalSpec>,
): DialogOption | string {
  const res = spec[decision].flatMap((p) => {
    try {
      return [new RegExp(p, 'i')];
    } catch {
      return [];
    }
  });
  const hits = dialog.options.filter((o) => res.some((r) => r.test(o.text)));
  const list = dialog.options.map((o) => `${o.n}. ${o.text}`).join(' | ');
  if (hits.length === 0) return `the dialog offers no "${decision}" option (${list})`;
  if (hits.length > 1)
    return `more than one option answers "${decision}" (${list}); answer it in the terminal`;
  return hits[0]!;
}

/** tmux key names that choose `option` in `dialog`, the way the agent takes them. */
export function keysFor(dialog: Dialog, option: DialogOption, how: ApprovalSpec['keys']): string[] | string {
  if (how === 'arrows') {
    if (dialog.cursor === undefined) return 'the dialog shows no highlighted option to move from';
    const d = option.n - dialog.cursor;
    return [...Array<string>(Math.abs(d)).fill(d < 0 ? 'Up' : 'Down'), 'Enter'];
  }
  return how === 'digit-enter' ? [String(option.n), 'Enter'] : [String(option.n)];
}
