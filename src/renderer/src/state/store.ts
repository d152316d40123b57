// The window's state and the actions that change it. Everything the backend knows comes through
// the OrchardApi (src/renderer/src/api.ts); this file adds only what is the window's own: which
// tabs are open and in what order, the current view, dialogs, spawns in flight, errors to show.
import type {
  ForwardInfo,
  HostSummary,
  OrchardApi,
  RequestParams,
  SetupAction,
  SetupPlan,
  ShellCommand,
  SpawnParams,
} from '../../../shared/api.ts';
import type { RepoConfig, SessionInfo } from '../../../shared/model.ts';
import { hostActions, type HostActions } from '../components/HostCheck.tsx';
import type { BranchRef } from '../dnd.ts';
import { initialState, type AppState, type DialogState, type View } from './app-state.ts';
import { prefs, type Theme } from './prefs.ts';
import { moveTab } from './tabs.ts';
import {
  reposWithChangedSessions,
  restoredTabs,
  sameList,
  withBranches,
  withItem,
  withoutTab,
  withSessions,
  withSessionsReplaced,
} from './transitions.ts';

export type { AppState, DialogState, Notice, View } from './app-state.ts';

/** How often the sidebar re-reads the hosts' reachability besides each session list change. */
const HOST_STATUS_MS = 5_000;

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Store {
  private state: AppState;
  private readonly listeners = new Set<() => void>();
  private readonly api: OrchardApi;
  private readonly unsubscribes: Array<() => void> = [];
  private seq = 0;
  /** Test, key check, trust and info of a host (the host dialogs). */
  readonly hostActions: HostActions;

  constructor(api: OrchardApi) {
    this.api = api;
    this.hostActions = hostActions(api);
    this.state = initialState();
  }

  getState = (): AppState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private set(patch: Partial<AppState>): void {
    const before = this.state;
    this.state = { ...this.state, ...patch };
    if (!sameList(before.tabs, this.state.tabs) || before.active !== this.state.active) {
      prefs.setOpenTabs(this.state.tabs);
      // The desktop shell remembers tabs across restarts (browser mode drops this send).
      this.api.send('tabsChanged', { open: this.state.tabs, active: this.state.active });
    }
    for (const l of this.listeners) l();
  }

  /** Loads hosts, repos, sessions and profiles, and follows session changes. */
  async start(): Promise<void> {
    this.unsubscribes.push(
      this.api.on('sessionsChanged', (list) => this.setSessions(list)),
      this.api.on('shellCommand', (c) => this.onShellCommand(c)),
      this.api.on('connection', ({ connected, stale, stopped }) => {
        this.set({ connected, stopped: !connected && !!stopped, ...(stale ? { stale: true } : {}) });
        if (connected) void this.refresh();
      }),
    );
    // A host with no sessions changes no session list when it goes down: ask for the hosts' status
    // now and then too (a config read on the server; it dials nothing).
    const hostTimer = setInterval(() => void this.loadHosts(), HOST_STATUS_MS);
    this.unsubscribes.push(() => clearInterval(hostTimer));
    await this.refresh();
  }

  /** Menu, tray and notification clicks in the desktop app, and the tabs it restores on start. */
  onShellCommand(c: ShellCommand): void {
    if (c.kind === 'openSession') this.openTab(c.id);
    else if (c.kind === 'newSession') this.openDialog({ kind: 'new' });
    else if (c.kind === 'showDashboard') this.setView('dashboard');
    else if (c.kind === 'restoreTabs') this.set(restoredTabs(this.state, c.open, c.active));
  }

  stop(): void {
    for (const u of this.unsubscribes.splice(0)) u();
  }

  async refresh(): Promise<void> {
    const [hosts, repos, sessions, profiles] = await Promise.allSettled([
      this.api.request('listHosts', {}),
      this.api.request('listRepos', {}),
      this.api.request('listSessions', {}),
      this.api.request('profiles', {}),
    ]);
    if (hosts.status === 'fulfilled') this.set({ hosts: hosts.value });
    else this.set({ hosts: [{ name: 'local', kind: 'local' }] });
    if (repos.status === 'fulfilled') this.set({ repos: repos.value });
    if (profiles.status === 'fulfilled') this.set({ profiles: profiles.value });
    if (sessions.status === 'fulfilled') this.setSessions(sessions.value);
    for (const r of [repos, sessions, profiles, hosts])
      if (r.status === 'rejected') this.error(`Could not load: ${message(r.reason)}`);
    // Branch lists already shown are reloaded so the markers follow.
    for (const name of Object.keys(this.state.branches)) void this.loadBranches(name);
  }

  setSessions(sessions: SessionInfo[]): void {
    const changedRepos = reposWithChangedSessions(this.state, sessions);
    this.set(withSessions(this.state, sessions));
    for (const repo of changedRepos) void this.loadBranches(repo);
    // The list was just taken from every host: their reachability is fresh now.
    void this.loadHosts();
  }

  /** Hosts and how the last contact with each went (the sidebar's unreachable / untrusted marks). */
  async loadHosts(): Promise<void> {
    try {
      const hosts = await this.api.request('listHosts', {});
      if (JSON.stringify(hosts) !== JSON.stringify(this.state.hosts)) this.set({ hosts });
    } catch {
      // Kept as they were; refresh() reports a failing listHosts.
    }
  }

  async loadBranches(repo: string): Promise<void> {
    const prev = this.state.branches[repo]?.branches ?? null;
    this.set(withBranches(this.state, repo, { loading: true, branches: prev }));
    try {
      const list = await this.api.request('branches', { repo });
      this.set(withBranches(this.state, repo, { loading: false, branches: list }));
    } catch (e) {
      this.set(withBranches(this.state, repo, { loading: false, branches: prev, error: message(e) }));
    }
  }

  // ----- tabs and views

  openTab(id: string): void {
    const tabs = this.state.tabs.includes(id) ? this.state.tabs : [...this.state.tabs, id];
    this.set({ tabs, active: id, view: 'terminals' });
  }

  selectTab(id: string): void {
    if (this.state.tabs.includes(id)) this.set({ active: id, view: 'terminals' });
  }

  /** Closing a tab detaches its terminal; the agent keeps running. */
  closeTab(id: string): void {
    this.set(withoutTab(this.state, id));
  }

  reorderTab(id: string, toIndex: number): void {
    this.set({ tabs: moveTab(this.state.tabs, id, toIndex) });
  }

  setView(view: View): void {
    this.set({ view });
  }

  setTheme(theme: Theme): void {
    prefs.setTheme(theme);
    this.set({ theme });
  }

  setTermSize(cols: number, rows: number): void {
    const t = this.state.termSize;
    if (!t || t.cols !== cols || t.rows !== rows) this.state = { ...this.state, termSize: { cols, rows } };
  }

  openDialog(dialog: DialogState | null): void {
    this.set({ dialog });
  }

  error(msg: string): void {
    this.set({ errors: [...this.state.errors, { id: ++this.seq, message: msg }] });
  }

  dismissError(id: number): void {
    this.set({ errors: this.state.errors.filter((e) => e.id !== id) });
  }

  // ----- requests that change things

  /** A branch dropped on the tab bar: its session if it has one, else a new one with the default agent. */
  async activateBranch(ref: BranchRef, existing?: SessionInfo): Promise<void> {
    const s =
      existing ??
      this.state.sessions.find((x) => x.repo === ref.repo && x.host === ref.host && x.branch === ref.branch);
    if (s) return this.openTab(s.id);
    // A second drop of the same branch while its worktree is being made is the same request.
    if (this.state.pending.some((p) => p.repo === ref.repo && p.branch === ref.branch)) return;
    await this.spawn({ repo: ref.repo, branch: ref.branch }, ref.host).catch(() => undefined);
  }

  /** Spawns and opens the new session's tab. Rejects (after showing nothing) so dialogs can show the error. */
  async spawn(params: SpawnParams, host: string, opts: { quiet?: boolean } = {}): Promise<SessionInfo> {
    const key = `spawn-${++this.seq}`;
    const phase = params.newBranch ? 'creating branch and worktree…' : 'preparing worktree…';
    const entry = { key, repo: params.repo, branch: params.branch, host, phase };
    this.set({ pending: [...this.state.pending, entry] });
    const size = this.state.termSize;
    try {
      const s = await this.api.request('spawn', { ...params, ...(size ?? {}) });
      this.set({ sessions: withItem(this.state.sessions, s, (x) => x.id) });
      this.openTab(s.id);
      void this.loadBranches(s.repo);
      return s;
    } catch (e) {
      if (!opts.quiet) this.error(`Could not start ${params.branch}: ${message(e)}`);
      throw e;
    } finally {
      this.set({ pending: this.state.pending.filter((p) => p.key !== key) });
    }
  }

  /** The port forwards this window's Orchard process runs (SSH sessions' dev servers). */
  listForwards(): Promise<ForwardInfo[]> {
    return this.api.request('forwardList', {});
  }

  async stopForward(localPort: number): Promise<void> {
    try {
      await this.api.request('forwardStop', { localPort });
    } catch (e) {
      this.error(`Could not stop the forward on port ${localPort}: ${message(e)}`);
    }
  }

  /**
   * Open a session's dev server: a local session's port as it is; an SSH session's through a
   * forward that this window's Orchard process (the app, or `orchard web`) runs on its 127.0.0.1.
   * The tab is opened first (synchronously, so popup blockers allow it) and pointed at the URL.
   */
  async openPort(id: string, port: number): Promise<void> {
    const win = window.open('about:blank', '_blank');
    try {
      const f = await this.api.request('forwardStart', { id, port });
      if (win) {
        win.opener = null;
        win.location.href = f.url;
      } else window.open(f.url, '_blank', 'noopener,noreferrer');
    } catch (e) {
      win?.close();
      this.error(`Could not open port ${port}: ${message(e)}`);
    }
  }

  // ----- new worktrees ready to work (src/core/sessions/setup.ts)

  setupPlan(params: RequestParams<'setupPlan'>): Promise<SetupPlan> {
    return this.api.request('setupPlan', params);
  }

  /** Trust exactly the script content the user was shown (by its sha256). */
  async trustSetup(repo: string, setup: string): Promise<void> {
    await this.api.request('repoTrust', { repo, setup });
  }

  capture(id: string): Promise<string> {
    return this.api.request('capture', { id });
  }

  async setupAction(id: string, action: SetupAction): Promise<void> {
    try {
      await this.api.request('setupAction', { id, action });
    } catch (e) {
      this.error(`Could not ${action === 'retry' ? 'retry the setup' : 'start the agent'}: ${message(e)}`);
    }
  }

  async terminate(id: string, removeWorktree: boolean, force = false): Promise<void> {
    const s = this.state.sessions.find((x) => x.id === id);
    await this.api.request('kill', { id, removeWorktree, force });
    if (this.state.tabs.includes(id)) this.closeTab(id);
    this.set({ sessions: this.state.sessions.filter((x) => x.id !== id) });
    if (s) void this.loadBranches(s.repo);
  }

  /** Resume / Restart / Forget a stopped or exited session (components/Revive.tsx). */
  async revive(id: string, how: 'resume' | 'restart' | 'forget'): Promise<void> {
    const s = this.state.sessions.find((x) => x.id === id);
    try {
      if (how === 'forget') {
        await this.api.request('forget', { id });
        if (this.state.tabs.includes(id)) this.closeTab(id);
        this.set({ sessions: this.state.sessions.filter((x) => x.id !== id) });
        return;
      }
      const r = await this.api.request('resume', { id, fresh: how === 'restart' });
      this.putSessions([r.session]);
      if (r.note) this.error(r.note);
    } catch (e) {
      this.error(`Could not ${how} ${s?.branch ?? id}: ${message(e)}`);
    }
  }

  /** "Resume all" for a host whose tmux server is new. */
  async resumeAll(host: string): Promise<void> {
    try {
      const r = await this.api.request('resumeAll', { host });
      this.putSessions(r.resumed.map((x) => x.session));
      for (const x of r.resumed) if (x.note) this.error(`${x.session.branch}: ${x.note}`);
      for (const f of r.failed) this.error(`Could not resume ${f.id} on ${f.host}: ${f.error.message}`);
    } catch (e) {
      this.error(`Could not resume the sessions on ${host}: ${message(e)}`);
    }
  }

  /** Replace sessions by id with newer copies (a resume answers before the next list arrives). */
  private putSessions(list: SessionInfo[]): void {
    this.set({ sessions: withSessionsReplaced(this.state.sessions, list) });
  }

  async addRepo(path: string, host: string, name?: string): Promise<RepoConfig> {
    const repo = await this.api.request('addRepo', { path, host, ...(name ? { name } : {}) });
    this.set({ repos: withItem(this.state.repos, repo, (r) => r.name) });
    void this.loadBranches(repo.name);
    return repo;
  }

  async removeHost(name: string): Promise<HostSummary> {
    const h = await this.api.request('removeHost', { name });
    this.set({ hosts: this.state.hosts.filter((x) => x.name !== name) });
    return h;
  }

  async addHost(name: string, ssh?: string, identity?: string): Promise<HostSummary> {
    const h = await this.api.request('addHost', {
      name,
      ...(ssh ? { ssh } : {}),
      ...(identity ? { identity } : {}),
    });
    this.set({ hosts: withItem(this.state.hosts, h, (x) => x.name) });
    return h;
  }
}
