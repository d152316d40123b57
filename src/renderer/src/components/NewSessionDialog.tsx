// "New session": repo, existing branch or a new one from a base, agent profile, optional memory and
// CPU limits. The dialog stays open with a progress line while the worktree is made, and shows the
// error if that fails; when the host is short of memory (admission control) it offers to start anyway.
// A new worktree's setup (SetupPanel.tsx): what will happen before the spawn, its progress after.
import { useEffect, useState } from 'react';
import type { ProfilesResult, SetupAction, SetupPlan, SpawnParams } from '../../../shared/api.ts';
import { isOrchardError } from '../../../shared/errors.ts';
import type { RepoConfig, ResourceLimits, SessionInfo } from '../../../shared/model.ts';
import { parseCpu, parseMemory } from '../../../shared/units.ts';
import type { BranchRef } from '../dnd.ts';
import type { BranchLoad } from './BranchTree.tsx';
import { Dialog, ErrorNote } from './Dialog.tsx';
import { hasSetup, SetupPreview, SetupProgress } from './SetupPanel.tsx';

export interface NewSessionDialogProps {
  repos: RepoConfig[];
  branches: Record<string, BranchLoad | undefined>;
  profiles: ProfilesResult | null;
  preset?: BranchRef;
  onLoadBranches: (repo: string) => void;
  onSpawn: (params: SpawnParams, host: string) => Promise<unknown>;
  onClose: () => void;
  onAddRepo: () => void;
  /** New worktree setup: the plan, trusting a committed script, and the spawned session's progress. */
  sessions?: SessionInfo[];
  onPlan?: (params: {
    repo: string;
    branch?: string;
    newBranch?: boolean;
    from?: string;
  }) => Promise<SetupPlan>;
  onTrust?: (repo: string, setupSha: string) => Promise<unknown>;
  onCapture?: (id: string) => Promise<string>;
  onSetupAction?: (id: string, action: SetupAction) => Promise<void>;
}

export function NewSessionDialog(p: NewSessionDialogProps) {
  const [repo, setRepo] = useState(p.preset?.repo ?? p.repos[0]?.name ?? '');
  const [mode, setMode] = useState<'existing' | 'new'>('existing');
  const [branch, setBranch] = useState(p.preset?.branch ?? '');
  const [newName, setNewName] = useState('');
  const [base, setBase] = useState('');
  const [agent, setAgent] = useState('');
  const [memory, setMemory] = useState('');
  const [cpu, setCpu] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  const [plan, setPlan] = useState<SetupPlan | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [planSeq, setPlanSeq] = useState(0);
  const [spawned, setSpawned] = useState<string | null>(null);
  // Headless (src/renderer/src/conversation): the agent gets JSON messages, the tab a conversation.
  const [headless, setHeadless] = useState(false);
  const [prompt, setPrompt] = useState('');

  const load = p.branches[repo];
  const local = (load?.branches ?? []).filter((b) => b.kind === 'local');
  const repoConfig = p.repos.find((r) => r.name === repo);
  const profiles = p.profiles?.profiles ?? [];
  const chosenAgent = agent || p.profiles?.defaultAgent || profiles[0]?.id || '';
  const chosenProfile = profiles.find((x) => x.id === chosenAgent);
  // A profile's own `headless`, else its kind's built-in mode (Claude Code, Codex).
  const headlessOk =
    !!chosenProfile &&
    chosenProfile.headless !== null &&
    (chosenProfile.headless !== undefined ||
      chosenProfile.kind === 'claude' ||
      chosenProfile.kind === 'codex');

  useEffect(() => {
    // Only when the chosen repo changes: a list being loaded is not asked for twice.
    if (repo && !p.branches[repo]) p.onLoadBranches(repo);
  }, [repo]);

  // Defaults once the branch list is there: the preset, else the first branch without a session;
  // base = the branch checked out in the repo's main work tree.
  const free = local.find((b) => !b.sessionId) ?? local[0];
  const chosenBranch = branch && local.some((b) => b.name === branch) ? branch : (free?.name ?? '');
  const chosenBase = base || local.find((b) => b.worktree === repoConfig?.path)?.name || local[0]?.name || '';

  const chosenWorktree = local.find((b) => b.name === chosenBranch)?.worktree;
  const makesWorktree = mode === 'new' || (!!chosenBranch && !chosenWorktree);
  const planRev = mode === 'new' ? chosenBase : chosenBranch;
  useEffect(() => {
    if (!p.onPlan || !repo || !planRev || !makesWorktree) return setPlan(null);
    let live = true;
    const params = mode === 'new' ? { newBranch: true, from: planRev } : { branch: planRev };
    p.onPlan({ repo, ...params }).then(
      (x) => live && (setPlan(x), setPlanError(null)),
      (e: unknown) => live && (setPlan(null), setPlanError(e instanceof Error ? e.message : String(e))),
    );
    return () => {
      live = false;
    };
  }, [repo, planRev, mode, makesWorktree, planSeq]);
  const trust = async (sha: string) => {
    try {
      await p.onTrust?.(repo, sha);
      setPlanSeq((n) => n + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const limits = (): ResourceLimits | undefined => {
    const l: ResourceLimits = {
      ...(memory.trim() ? { memory: parseMemory(memory) } : {}),
      ...(cpu.trim() ? { cpu: parseCpu(cpu) } : {}),
    };
    return l.memory || l.cpu ? l : undefined;
  };

  const submit = async (force = false, skipSetup = false) => {
    if (!repoConfig) return setError('Choose a repository.');
    const name = mode === 'new' ? newName.trim() : chosenBranch;
    if (!name) return setError(mode === 'new' ? 'Name the new branch.' : 'Choose a branch.');
    let chosenLimits: ResourceLimits | undefined;
    try {
      chosenLimits = limits();
    } catch (e) {
      return setError(e instanceof Error ? e.message : String(e));
    }
    const params: SpawnParams = {
      repo,
      branch: name,
      ...(mode === 'new' ? { newBranch: true, ...(chosenBase ? { from: chosenBase } : {}) } : {}),
      ...(chosenAgent ? { agent: chosenAgent } : {}),
      ...(chosenLimits ? { limits: chosenLimits } : {}),
      ...(force ? { force: true } : {}),
      ...(skipSetup ? { skipSetup: true } : {}),
      ...(headless && headlessOk
        ? { headless: true, ...(prompt.trim() ? { prompt: prompt.trim() } : {}) }
        : {}),
    };
    setBusy(true);
    setError(null);
    setRefused(false);
    try {
      const s = await p.onSpawn(params, repoConfig.host);
      const id = (s as SessionInfo | undefined)?.id;
      // A setup runs before the agent: the dialog stays to show it (and a failure's choices).
      if (id && p.onCapture && !skipSetup && makesWorktree && hasSetup(plan)) setSpawned(id);
      else p.onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setRefused(isOrchardError(e) && (e.code === 'admission-refused' || e.code === 'setup-untrusted'));
      setUntrusted(isOrchardError(e) && e.code === 'setup-untrusted');
      // The script may have changed since the plan was read: show the one that was refused.
      if (isOrchardError(e) && e.code === 'setup-untrusted') setPlanSeq((n) => n + 1);
      setBusy(false);
    }
  };
  const [untrusted, setUntrusted] = useState(false);

  if (spawned)
    return (
      <Dialog title="New session" onClose={p.onClose}>
        <SetupProgress
          session={p.sessions?.find((x) => x.id === spawned)}
          onCapture={() => p.onCapture!(spawned)}
          onAction={(a) => p.onSetupAction?.(spawned, a) ?? Promise.resolve()}
          onDone={p.onClose}
        />
      </Dialog>
    );

  if (p.repos.length === 0)
    return (
      <Dialog title="New session" onClose={p.onClose}>
        <p>No repositories yet. Add one first.</p>
        <button type="button" className="btn primary" onClick={p.onAddRepo}>
          Add repository…
        </button>
      </Dialog>
    );

  return (
    <Dialog
      title="New session"
      onClose={p.onClose}
      busy={busy}
      onSubmit={() => void submit()}
      footer={
        <>
          {busy && (
            <span role="status" className="progress">
              <span className="spinner" aria-hidden="true" /> Creating worktree
              {plan?.include.count ? ', copying files' : ''} and starting the agent…
            </span>
          )}
          <span className="spacer" />
          <button type="button" className="btn" onClick={p.onClose} disabled={busy}>
            Cancel
          </button>
          {refused && (
            <button
              type="button"
              className="btn"
              onClick={() => void (untrusted ? submit(false, true) : submit(true))}
              disabled={busy}
            >
              {untrusted ? 'Start without setup' : 'Start anyway'}
            </button>
          )}
          <button type="submit" className="btn primary" disabled={busy}>
            Start session
          </button>
        </>
      }
    >
      <label className="field">
        <span>Repository</span>
        <select value={repo} onChange={(e) => setRepo(e.target.value)} disabled={busy}>
          {p.repos.map((r) => (
            <option key={r.name} value={r.name}>
              {r.host === 'local' ? r.name : `${r.name} (${r.host})`}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="field segmented" disabled={busy}>
        <legend>Branch</legend>
        <label>
          <input
            type="radio"
            name="mode"
            checked={mode === 'existing'}
            onChange={() => setMode('existing')}
          />
          Existing branch
        </label>
        <label>
          <input type="radio" name="mode" checked={mode === 'new'} onChange={() => setMode('new')} />
          New branch from base
        </label>
      </fieldset>
      {mode === 'existing' ? (
        <label className="field">
          <span>Branch</span>
          <select
            value={chosenBranch}
            onChange={(e) => setBranch(e.target.value)}
            disabled={busy || !local.length}
          >
            {!local.length && <option value="">{load?.error ?? 'Loading branches…'}</option>}
            {local.map((b) => (
              <option key={b.name} value={b.name}>
                {b.name}
                {b.sessionId ? ' — has a session' : b.worktree ? ' — has a worktree' : ''}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <div className="field-row">
          <label className="field grow">
            <span>New branch name</span>
            <input
              value={newName}
              onChange={(e) => setNewName(e.target.value)}
              placeholder="feature/my-change"
              disabled={busy}
              spellCheck={false}
              data-autofocus
            />
          </label>
          <label className="field">
            <span>Base</span>
            <select value={chosenBase} onChange={(e) => setBase(e.target.value)} disabled={busy}>
              {local.map((b) => (
                <option key={b.name} value={b.name}>
                  {b.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      <label className="field">
        <span>Agent</span>
        <select value={chosenAgent} onChange={(e) => setAgent(e.target.value)} disabled={busy}>
          {profiles.map((pr) => (
            <option key={pr.id} value={pr.id}>
              {pr.label}
              {pr.id === p.profiles?.defaultAgent ? ' (default)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={headless && headlessOk}
          onChange={(e) => setHeadless(e.target.checked)}
          disabled={busy || !headlessOk}
        />
        Headless: a conversation instead of a terminal
      </label>
      {headless && headlessOk && (
        <label className="field">
          <span>First message</span>
          <textarea
            rows={3}
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            placeholder="optional: what the agent should do"
            disabled={busy}
          />
        </label>
      )}
      <div className="field-row">
        <label className="field grow">
          <span>Memory limit</span>
          <input
            value={memory}
            onChange={(e) => setMemory(e.target.value)}
            placeholder="none (e.g. 4G)"
            disabled={busy}
            spellCheck={false}
          />
        </label>
        <label className="field grow">
          <span>CPU limit</span>
          <input
            value={cpu}
            onChange={(e) => setCpu(e.target.value)}
            placeholder="none (e.g. 150%)"
            disabled={busy}
            spellCheck={false}
          />
        </label>
      </div>
      <SetupPreview plan={plan} error={planError} onTrust={(sha) => void trust(sha)} busy={busy} />
      <ErrorNote error={error} />
    </Dialog>
  );
}
