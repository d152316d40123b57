// The contract, channel maps: every request, send and event with its payload types (the allow-lists
// in channels.ts must list exactly their keys). Part of src/shared/api.ts (the barrel).
import type {
  ApproveAllParams,
  ApproveAllResult,
  ApproveParams,
  ApproveResult,
  BroadcastParams,
  BroadcastResult,
} from '../approve.ts';
import type { HeadlessEventsParams, HeadlessEventsResult } from '../headless.ts';
import type {
  HostSummary,
  AddHostParams,
  HostTestResult,
  HostKeyCheck,
  TrustHostParams,
  TrustHostResult,
  HostInfo,
  SetLimitsParams,
  SetLimitsResult,
  PassphraseRequestEvent,
  PassphraseDoneEvent,
  AnswerPassphraseParams,
} from '../hosts.ts';
import type { BranchInfo, HostName, Preferences, RepoConfig, SessionInfo } from '../model.ts';
import type {
  CleanupResult,
  CommitParams,
  CommitResult,
  DiffParams,
  DiffResult,
  FilePatch,
  FilePatchParams,
  GcResult,
  MergeParams,
  MergeResult,
  PrParams,
  PrResult,
  PushResult,
} from './review.ts';
import type { ForwardInfo, ForwardStartParams, SessionPort } from './ports.ts';
import type { AddRepoParams, SetupAction, SetupPlan } from './repos.ts';
import type {
  ForgetResult,
  KillParams,
  KillResult,
  ProfilesResult,
  ResumeAllResult,
  ResumeParams,
  ResumeResult,
  SendKeysParams,
  SendTextParams,
  SessionStateEvent,
  SpawnParams,
} from './sessions.ts';
import type { SubscribableEvent } from './channels.ts';
import type { StatsSnapshot } from './stats.ts';
import type {
  AttachParams,
  AttachResult,
  TerminalDataEvent,
  TerminalExitEvent,
  TerminalStatusEvent,
} from './terminals.ts';

// ---------------------------------------------------------------------------------------------
// Payload types

export type Empty = Record<string, never>;

// ---------------------------------------------------------------------------------------------
// Channel maps

export interface RequestMap {
  listRepos: { params: Empty; result: RepoConfig[] };
  addRepo: { params: AddRepoParams; result: RepoConfig };
  removeRepo: { params: { repo: string }; result: RepoConfig };
  branches: { params: { repo: string }; result: BranchInfo[] };
  spawn: { params: SpawnParams; result: SessionInfo };
  listSessions: { params: Empty; result: SessionInfo[] };
  kill: { params: KillParams; result: KillResult };
  sendText: { params: SendTextParams; result: null };
  keys: { params: SendKeysParams; result: null };
  capture: { params: { id: string }; result: string };
  profiles: { params: Empty; result: ProfilesResult };
  /** The config's preferences (notification mutes, default agent...), read fresh each time. */
  preferences: { params: Empty; result: Preferences };
  listHosts: { params: Empty; result: HostSummary[] };
  addHost: { params: AddHostParams; result: HostSummary };
  /** Forgets the host and closes its connections (its repos must be removed first). */
  removeHost: { params: { name: HostName }; result: HostSummary };
  /** Connect afresh, check the host key, tmux >= 3.2 and git. */
  testHost: { params: { name: HostName }; result: HostTestResult };
  /** The host key it presents and what Orchard makes of it, trusting nothing. */
  hostKey: { params: { name: HostName }; result: HostKeyCheck };
  trustHost: { params: TrustHostParams; result: TrustHostResult };
  /** Limit backend, tmux and git versions (`local` too). */
  hostInfo: { params: { name: HostName }; result: HostInfo };
  /** Change a running session's memory / CPU limits now. */
  setLimits: { params: SetLimitsParams; result: SetLimitsResult };
  answerPassphrase: { params: AnswerPassphraseParams; result: null };
  attach: { params: AttachParams; result: AttachResult };
  stats: { params: Empty; result: StatsSnapshot };
  ports: { params: { id?: string }; result: SessionPort[] };
  forwardStart: { params: ForwardStartParams; result: ForwardInfo };
  forwardStop: { params: { localPort: number }; result: { stopped: boolean } };
  forwardList: { params: Empty; result: ForwardInfo[] };
  resume: { params: ResumeParams; result: ResumeResult };
  resumeAll: { params: { host?: HostName }; result: ResumeAllResult };
  forget: { params: { id: string }; result: ForgetResult };
  // Review (src/core/review): kept together.
  diff: { params: DiffParams; result: DiffResult };
  filePatch: { params: FilePatchParams; result: FilePatch };
  commit: { params: CommitParams; result: CommitResult };
  merge: { params: MergeParams; result: MergeResult };
  push: { params: { id: string }; result: PushResult };
  createPr: { params: PrParams; result: PrResult };
  setBase: { params: { id: string; base: string }; result: SessionInfo };
  cleanup: { params: { id: string }; result: CleanupResult };
  gc: { params: { dryRun?: boolean }; result: GcResult };
  setupPlan: {
    params: { repo: string; branch?: string; newBranch?: boolean; from?: string };
    result: SetupPlan;
  };
  /** Trust exactly the scripts whose sha256 the user was shown. */
  repoTrust: { params: { repo: string; setup?: string; teardown?: string }; result: RepoConfig };
  setupAction: { params: { id: string; action: SetupAction }; result: null };
  // Answering agents (src/core/sessions/approve.ts, broadcast.ts): kept together.
  approve: { params: ApproveParams; result: ApproveResult };
  approveAll: { params: ApproveAllParams; result: ApproveAllResult };
  broadcast: { params: BroadcastParams; result: BroadcastResult };
  // Headless sessions (src/shared/headless.ts): events since a byte offset; messages via sendText.
  headlessEvents: { params: HeadlessEventsParams; result: HeadlessEventsResult };
}

export interface SendMap {
  terminalInput: { term: string; data: string };
  terminalResize: { term: string; cols: number; rows: number };
  /** Chars of `terminalData` that xterm has parsed. */
  terminalAck: { term: string; chars: number };
  detach: { term: string };
  subscribe: { event: SubscribableEvent };
  unsubscribe: { event: SubscribableEvent };
}

export interface EventMap {
  sessionsChanged: SessionInfo[];
  sessionState: SessionStateEvent;
  terminalData: TerminalDataEvent;
  terminalExit: TerminalExitEvent;
  terminalStatus: TerminalStatusEvent;
  stats: StatsSnapshot;
  passphraseRequest: PassphraseRequestEvent;
  passphraseDone: PassphraseDoneEvent;
}

/**
 * The desktop shell's own channels (Electron only; src/main answers them, not the router). The
 * preload lets them through like the rest of the contract; in browser mode there is no shell:
 * the client drops shell sends and no shell event ever arrives.
 */
export type ShellCommand =
  | { kind: 'openSession'; id: string }
  | { kind: 'newSession' }
  | { kind: 'showDashboard' }
  | { kind: 'restoreTabs'; open: string[]; active: string | null; dropped: string[] };

export interface ShellSendMap {
  /** The renderer's open session tabs, in order, and the active one (restored on the next start). */
  tabsChanged: { open: string[]; active: string | null };
}

export interface ShellEventMap {
  /** Menu, tray and notification clicks; tabs to restore on start. */
  shellCommand: ShellCommand;
}

/** Client-side only: the transport's own state (browser mode reconnects; Electron is always up). */
export interface ClientEventMap extends EventMap, ShellEventMap {
  /**
   * After a reconnect, terminals must be attached again: the server closed them with the socket.
   * `stale`: the server refuses this page's token for good (`orchard web` was restarted with a new
   * one); reconnecting stops and the page says to open the URL it printed. `stopped`: the page's
   * origin has not answered for a while (a restarted `orchard web` usually gets another port): the
   * page says so; reconnecting goes on slowly in case it comes back.
   */
  connection: { connected: boolean; stale?: boolean; stopped?: boolean };
}
