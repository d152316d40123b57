// Gatekeeper for every IPC message from a renderer, before anything reaches the router or the shell:
// (1) the sender must be the main window's top frame showing the app's own page (not a subframe,
// not another webContents, not a page it was navigated to); (2) the envelope must be one of the
// contract's (src/shared/api.ts); (3) the channel must be on the allow-list; (4) the payload must
// parse with the contract's schema. Anything else is refused with an error value and goes nowhere.
// Pure (no electron import): ipc-transport.ts feeds it what Electron says about the sender.
import type { z } from 'zod';
import {
  isRequestName,
  isSendName,
  isShellSendName,
  type RequestName,
  type SendName,
  type ShellSendName,
} from '../shared/api.ts';
import type { ErrorValue } from '../shared/errors.ts';
import { clientMessage, describeIssues, requestSchemas, sendSchemas } from '../core/rpc/schemas.ts';
import { isAppUrl, type AppLocation } from './security.ts';
import { shellSendSchemas } from './shell-channels.ts';

/** What Electron tells us about who sent a message (event.sender / event.senderFrame). */
export interface SenderInfo {
  /** event.sender.id */
  webContentsId: number;
  /** event.senderFrame is the top frame of its page (senderFrame.parent === null). */
  isTopFrame: boolean;
  /** event.senderFrame.url; undefined when the frame is gone. */
  url: string | undefined;
}

export interface TrustedSender {
  webContentsId: number;
  app: AppLocation;
}

export type Checked =
  | { ok: true; kind: 'req'; id: number; ch: RequestName; p: unknown }
  | { ok: true; kind: 'send'; ch: SendName; p: unknown }
  | { ok: true; kind: 'shell'; ch: ShellSendName; p: unknown }
  /** `id` is set when the refusal can be answered as the reply to that request. */
  | { ok: false; id?: number; error: ErrorValue };

const refuse = (message: string, id?: number): Checked => ({
  ok: false,
  ...(id !== undefined ? { id } : {}),
  error: { code: 'invalid-argument', message },
});

export function checkSender(sender: SenderInfo, trusted: TrustedSender | null): string | null {
  if (!trusted) return 'no window accepts messages right now';
  if (sender.webContentsId !== trusted.webContentsId) return 'message from a foreign window refused';
  if (!sender.isTopFrame) return 'message from a subframe refused';
  if (sender.url === undefined || !isAppUrl(sender.url, trusted.app))
    return 'message from a page that is not Orchard refused';
  return null;
}

function parsePayload(
  schema: z.ZodType,
  p: unknown,
): { ok: true; value: unknown } | { ok: false; why: string } {
  const r = schema.safeParse(p);
  return r.success ? { ok: true, value: r.data } : { ok: false, why: describeIssues(r.error) };
}

/** The whole check; `raw` is whatever arrived on the channel. */
export function checkMessage(sender: SenderInfo, trusted: TrustedSender | null, raw: unknown): Checked {
  const env = clientMessage.safeParse(raw);
  const maybeId = env.success && env.data.t === 'req' ? env.data.id : undefined;
  const senderProblem = checkSender(sender, trusted);
  if (senderProblem) return refuse(senderProblem, maybeId);
  if (!env.success) return refuse(`malformed message: ${describeIssues(env.error)}`);
  const msg = env.data;
  if (msg.t === 'req') {
    if (!isRequestName(msg.ch)) return refuse(`unknown request ${JSON.stringify(msg.ch)}`, msg.id);
    const r = parsePayload(requestSchemas[msg.ch], msg.p);
    if (!r.ok) return refuse(`${msg.ch}: ${r.why}`, msg.id);
    return { ok: true, kind: 'req', id: msg.id, ch: msg.ch, p: r.value };
  }
  if (isSendName(msg.ch)) {
    const r = parsePayload(sendSchemas[msg.ch], msg.p);
    if (!r.ok) return refuse(`${msg.ch}: ${r.why}`);
    return { ok: true, kind: 'send', ch: msg.ch, p: r.value };
  }
  if (isShellSendName(msg.ch)) {
    const r = parsePayload(shellSendSchemas[msg.ch], msg.p);
    if (!r.ok) return refuse(`${msg.ch}: ${r.why}`);
    return { ok: true, kind: 'shell', ch: msg.ch, p: r.value };
  }
  return refuse(`unknown send ${JSON.stringify(msg.ch)}`);
}
