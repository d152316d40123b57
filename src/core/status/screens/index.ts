// The per-agent screen models: how each agent's own screen is read, from its real screens (the
// fixtures under test/fixtures/screens/<agent>-<version>/). The screen check (judgeScreen) asks
// here first; a kind with no model of its own falls back to the line patterns.
import type { AgentKind } from '../../../shared/model.ts';
import { judgeCodexScreen } from './codex.ts';
import { judgeGeminiScreen } from './gemini.ts';
import { judgeOpencodeScreen } from './opencode.ts';
import type { ScreenModel } from './verdict.ts';

export type { ScreenModel, ScreenVerdict } from './verdict.ts';

const MODELS: Partial<Record<AgentKind, ScreenModel>> = {
  codex: judgeCodexScreen,
  gemini: judgeGeminiScreen,
  opencode: judgeOpencodeScreen,
};

/** The screen model of an agent kind, or undefined when it has none (patterns decide). */
export function agentScreenModel(kind: AgentKind | undefined): ScreenModel | undefined {
  return kind ? MODELS[kind] : undefined;
}

/** The CLI versions the models were built from (the fixtures' folders). */
export const SCREEN_MODEL_VERSIONS: Partial<Record<AgentKind, string>> = {
  codex: '0.171.0',
  gemini: '0.61.0',
  opencode: '1.18.33',
};
