// The contract, channels: the runtime allow-lists of the maps in maps.ts, the checks that the two
// agree, and the name and payload types derived from them. Part of src/shared/api.ts (the barrel).
import type { ClientEventMap, EventMap, RequestMap, SendMap, ShellEventMap, ShellSendMap } from './maps.ts';

// ---------------------------------------------------------------------------------------------
// Runtime allow-lists (checked at compile time to list exactly the keys of the maps in maps.ts)

export const REQUESTS = [
  'listRepos',
  'addRepo',
  'removeRepo',
  'branches',
  'spawn',
  'listSessions',
  'kill',
  'sendText',
  'keys',
  'capture',
  'profiles',
  'preferences',
  'listHosts',
  'addHost',
  'removeHost',
  'testHost',
  'hostKey',
  'trustHost',
  'hostInfo',
  'setLimits',
  'answerPassphrase',
  'attach',
  'stats',
  'ports',
  'forwardStart',
  'forwardStop',
  'forwardList',
  'resume',
  'resumeAll',
  'forget',
  // Review
  'diff',
  'filePatch',
  'commit',
  'merge',
  'push',
  'createPr',
  'setBase',
  'cleanup',
  'gc',
  'setupPlan',
  'repoTrust',
  'setupAction',
  // Answering agents
  'approve',
  'approveAll',
  'broadcast',
  // Headless
  'headlessEvents',
] as const;

export const SENDS = [
  'terminalInput',
  'terminalResize',
  'terminalAck',
  'detach',
  'subscribe',
  'unsubscribe',
] as const;

export const EVENTS = [
  'sessionsChanged',
  'sessionState',
  'terminalData',
  'terminalExit',
  'terminalStatus',
  'stats',
  'passphraseRequest',
  'passphraseDone',
] as const;

export const SHELL_SENDS = ['tabsChanged'] as const;
export const SHELL_EVENTS = ['shellCommand'] as const;

/** Events a client must subscribe to (polling runs only while someone listens). */
export const SUBSCRIBABLE_EVENTS = [
  'sessionsChanged',
  'sessionState',
  'stats',
  'passphraseRequest',
  'passphraseDone',
] as const;

export type RequestName = (typeof REQUESTS)[number];
export type SendName = (typeof SENDS)[number];
export type EventName = (typeof EVENTS)[number];
export type SubscribableEvent = (typeof SUBSCRIBABLE_EVENTS)[number];
export type ShellSendName = (typeof SHELL_SENDS)[number];
export type ShellEventName = (typeof SHELL_EVENTS)[number];
/** Everything a client may send: the router's sends and the shell's. */
export type AnySendName = SendName | ShellSendName;
export type ClientEventName = keyof ClientEventMap;

export type RequestParams<K extends RequestName> = RequestMap[K]['params'];
export type RequestResult<K extends RequestName> = RequestMap[K]['result'];
export type SendPayload<K extends AnySendName> = (SendMap & ShellSendMap)[K];
export type EventPayload<K extends ClientEventName> = ClientEventMap[K];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _requestsComplete: Same<RequestName, keyof RequestMap> = true;
const _sendsComplete: Same<SendName, keyof SendMap> = true;
const _eventsComplete: Same<EventName, keyof EventMap> = true;
const _shellSendsComplete: Same<ShellSendName, keyof ShellSendMap> = true;
const _shellEventsComplete: Same<ShellEventName, keyof ShellEventMap> = true;
void [_requestsComplete, _sendsComplete, _eventsComplete, _shellSendsComplete, _shellEventsComplete];

export const isRequestName = (x: unknown): x is RequestName =>
  typeof x === 'string' && (REQUESTS as readonly string[]).includes(x);
export const isSendName = (x: unknown): x is SendName =>
  typeof x === 'string' && (SENDS as readonly string[]).includes(x);
export const isEventName = (x: unknown): x is EventName =>
  typeof x === 'string' && (EVENTS as readonly string[]).includes(x);
export const isShellSendName = (x: unknown): x is ShellSendName =>
  typeof x === 'string' && (SHELL_SENDS as readonly string[]).includes(x);
export const isShellEventName = (x: unknown): x is ShellEventName =>
  typeof x === 'string' && (SHELL_EVENTS as readonly string[]).includes(x);
export const isSubscribableEvent = (x: unknown): x is SubscribableEvent =>
  typeof x === 'string' && (SUBSCRIBABLE_EVENTS as readonly string[]).includes(x);
