// `orchard send` per agent profile: paste the text, then the profile's submit key, after the delay
// the agent needs (SendBehaviour in shared/model.ts). Without a delay, paste and submit go in one
// tmux call as before (tmux.sendText).
import type { AgentProfile, SendBehaviour } from '../../shared/model.ts';
import { SEND } from './profiles.ts';

/** The part of the tmux client a send needs. */
export interface SendTmux {
  sendText(paneId: string, text: string, enter: boolean): Promise<void>;
  sendKeys(paneId: string, keys: readonly string[]): Promise<void>;
  capture(paneId: string): Promise<string>;
}

/** How many more times, and how far apart, a confirmed submit presses the key again. */
export const CONFIRM_TRIES = 3;
export const CONFIRM_EVERY_MS = 500;

/** Whether the text's first line still sits in the input box: the last few lines of the screen. */
export function stillInBox(screen: string, text: string): boolean {
  const first = text.trim().split('\n')[0]!.trim().slice(0, 40);
  if (!first) return false;
  const tail = screen
    .split('\n')
    .filter((l) => l.trim())
    .slice(-5);
  return tail.some((l) => l.includes(first));
}

/** The send behaviour of a profile: its own, else its kind's default. */
export function sendBehaviour(profile: Pick<AgentProfile, 'kind' | 'send'> | undefined): SendBehaviour {
  return profile?.send ?? (profile ? SEND[profile.kind] : undefined) ?? {};
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What the submit waits for after the paste (0: one tmux call). */
export function submitDelay(text: string, b: SendBehaviour): number {
  const slash = /^\/\S/.test(text.trimStart());
  return Math.max(b.submitDelayMs ?? 0, slash ? (b.slashDelayMs ?? 0) : 0);
}

export async function sendText(
  tmux: SendTmux,
  paneId: string,
  text: string,
  enter: boolean,
  behaviour: SendBehaviour,
): Promise<void> {
  const key = behaviour.submitKey || 'Enter';
  const delay = submitDelay(text, behaviour);
  if (!enter || (key === 'Enter' && delay === 0 && !behaviour.confirmSubmit) || text === '')
    return key === 'Enter' || !enter ? tmux.sendText(paneId, text, enter) : tmux.sendKeys(paneId, [key]);
  await tmux.sendText(paneId, text, false);
  if (delay) await sleep(delay);
  await tmux.sendKeys(paneId, [key]);
  if (!behaviour.confirmSubmit) return;
  for (let i = 0; i < CONFIRM_TRIES; i++) {
    await sleep(CONFIRM_EVERY_MS);
    if (!stillInBox(await tmux.capture(paneId), text)) return;
    await tmux.sendKeys(paneId, [key]);
  }
}
