// The screen model: what an agent's visible screen says. Claude Code's is read by its structure,
// the region that matters (the input box or the dialog at the bottom: claude-screen.ts). Other
// agents, and screens the structure does not explain (the fake agent), are read by line patterns:
// the bottom-most line that matches decides (a permission question below a spinner means waiting;
// a fresh prompt below an old question means idle). Best effort: TUIs change; a profile's own
// `screenPatterns` extend these.
import type { AgentKind, AgentProfile, ScreenPatterns } from '../../shared/model.ts';
import { judgeClaudeScreen } from './claude-screen.ts';

export type ScreenVerdict =
  | { state: 'working'; detail?: string }
  | { state: 'idle' }
  | { state: 'waiting'; reason: 'permission' | 'question' | 'setup' | 'input'; detail?: string }
  /** The screen matches nothing the profile knows. */
  | { state: 'unknown' };

type Category = 'setup' | 'permission' | 'question' | 'working' | 'idle';
const ORDER: readonly Category[] = ['setup', 'permission', 'question', 'working', 'idle'];

export type CompiledPatterns = Record<Category, RegExp[]>;

const COMMON: ScreenPatterns & { setup?: string[] } = {
  // First-run dialogs: answering them with a prompt would lose it (or quit the agent).
  setup: [
    String.raw`\btrust (this|the files in this) folder\b`,
    String.raw`is this a project you created or one you trust`,
  ],
  permission: [
    String.raw`\bdo you want to\b`,
    String.raw`\((y/n|y/N|Y/n)\)`,
    String.raw`\[(y/n|y/N|Y/n)\]`,
    String.raw`\(Y\)es/\(N\)o`,
    String.raw`\ballow (once|always)\b`,
    String.raw`\bpermission required\b`,
  ],
  working: [
    String.raw`esc to (interrupt|cancel)`,
    String.raw`ctrl\+c to (interrupt|cancel|stop)`,
    // Braille spinners followed by words ("⠋ Thinking").
    String.raw`^\s*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\s+\S`,
  ],
  // A bare prompt on its own line: "> ", "❯", "$ ".
  idle: [String.raw`^\s*[>❯›$%]\s*$`],
};

/** Per agent kind, on top of COMMON. */
export const BUILTIN_PATTERNS: Record<AgentKind, ScreenPatterns> = {
  claude: {
    working: [String.raw`^\s*[✻✶✳✢·*]\s+\S+…`],
    idle: [String.raw`^\s*│\s*>\s*(│\s*)?$`, String.raw`\? for shortcuts`],
  },
  codex: {
    permission: [
      String.raw`allow command\?`,
      String.raw`would you like to (run|make|apply)`,
      String.raw`^\s*▌\s*Approve`,
    ],
    working: [String.raw`^\s*[•◦]?\s*Working\s*\(`],
    idle: [String.raw`⏎ send`, String.raw`^\s*▌\s*$`],
  },
  gemini: {
    permission: [
      String.raw`allow execution`,
      String.raw`apply this change\?`,
      String.raw`do you want to proceed`,
    ],
    working: [String.raw`\(esc to cancel`],
    idle: [String.raw`type your message`],
  },
  aider: {
    permission: [
      String.raw`\b(create new file|allow edits|add .* to the chat)\b.*\?`,
      String.raw`\(Y\)es/\(N\)o`,
    ],
    working: [String.raw`^\s*(Waiting for|Thinking|Generating)\b`],
    idle: [String.raw`^\s*(\w[\w-]*)?>\s*$`],
  },
  opencode: {
    permission: [String.raw`permission required`, String.raw`\ballow (once|always)\b`],
    working: [String.raw`esc interrupt`, String.raw`^\s*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏■⬝]+\s*(working|generating|thinking)`],
    idle: [String.raw`enter send`, String.raw`ctrl\+p commands`],
  },
  custom: {},
};

function compile(list: readonly string[] | undefined): RegExp[] {
  const out: RegExp[] = [];
  for (const src of list ?? []) {
    try {
      out.push(new RegExp(src, 'i'));
    } catch {
      // A broken user pattern is skipped, not fatal: status falls back to the others.
    }
  }
  return out;
}

const cache = new Map<string, CompiledPatterns>();

export function patternsFor(profile: Pick<AgentProfile, 'id' | 'kind' | 'screenPatterns'>): CompiledPatterns {
  const key = `${profile.kind}\0${JSON.stringify(profile.screenPatterns ?? {})}`;
  let c = cache.get(key);
  if (!c) {
    const kind = BUILTIN_PATTERNS[profile.kind] ?? {};
    const own = profile.screenPatterns ?? {};
    c = {} as CompiledPatterns;
    const list = (p: ScreenPatterns & { setup?: string[] }, cat: Category) => p[cat] ?? [];
    for (const cat of ORDER) c[cat] = compile([...list(own, cat), ...list(kind, cat), ...list(COMMON, cat)]);
    cache.set(key, c);
  }
  return c;
}

/** How many non-empty lines from the bottom are looked at: a question scrolled away is not current. */
export const SCREEN_LINES = 20;

/** For a Claude-like screen the structure does not explain: only its bottom lines count. */
const BOTTOM_LINES = 6;

export function matchScreen(
  screen: string,
  patterns: CompiledPatterns,
  depth = SCREEN_LINES,
): ScreenVerdict | null {
  const lines = screen
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim() !== '')
    .slice(-depth);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    for (const cat of ORDER) {
      if (!patterns[cat].some((re) => re.test(line))) continue;
      if (cat === 'permission' || cat === 'question' || cat === 'setup')
        return { state: 'waiting', reason: cat };
      return { state: cat };
    }
  }
  return null;
}

/** What the screen shows: Claude Code's by its structure first, then by line patterns. */
export function readScreen(
  screen: string,
  profile: Pick<AgentProfile, 'id' | 'kind' | 'screenPatterns'>,
): ScreenVerdict | null {
  if (profile.kind !== 'claude') return matchScreen(screen, patternsFor(profile));
  return judgeClaudeScreen(screen) ?? matchScreen(screen, patternsFor(profile), BOTTOM_LINES);
}

/** The `@orchard_screen` value for a verdict ("waiting:permission"). */
export function encodeVerdict(v: ScreenVerdict): string {
  return v.state === 'waiting' ? `waiting:${v.reason}` : v.state;
}

/**
 * Debounce: a verdict is taken only once two captures in a row agree, so a spinner frame or a
 * half-drawn screen does not flip the state.
 */
export class ScreenDebouncer {
  private readonly seen = new Map<string, string>();

  /** Returns the verdict to publish, or undefined while it is not yet stable. */
  offer(id: string, verdict: string): string | undefined {
    const last = this.seen.get(id);
    this.seen.set(id, verdict);
    return last === verdict ? verdict : undefined;
  }

  forget(keep: ReadonlySet<string>): void {
    for (const id of this.seen.keys()) if (!keep.has(id)) this.seen.delete(id);
  }
}
