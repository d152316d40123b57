// "New session": repo, existing branch or a new one from a base, agent profile, optional memory and
// CPU limits. The dialog stays open with a progress line while the worktree is made, and shows the
// error if that fails; when the host is short of memory (admission control) it offers to start anyway.
import { useEffect, useState } from 'react';
import type { ProfilesResult, SpawnParams } from '../../../shared/api.ts';
import { isOrchardError } from '../../../shared/errors.ts';
import type { RepoConfig, ResourceLimits } from '../../../shared/model.ts';
import { parseCpu, parseMemory } from '../../../shared/units.ts';
import type { BranchRef } from '../dnd.ts';
import type { BranchLoad } from './BranchTree.tsx';
import { Dialog, ErrorNote } from './Dialog.tsx';

export interface NewSessionDialogProps {
  repos: RepoConfig[];
  branches: Record<string, BranchLoad | undefined>;
  profiles: ProfilesResult | null;
  preset?: BranchRef;
  onLoadBranches: (repo: string) => void;
  onSpawn: (params: SpawnParams, host: string) => Promise<unknown>;
  onClose: () => void;
  onAddRepo: () => void;
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

  const limits = (): ResourceLimits | undefined => {
    const l: ResourceLimits = {
      ...(memory.trim() ? { memory: parseMemory(memory) } : {}),
      ...(cpu.trim() ? { cpu: parseCpu(cpu) } : {}),
    };
    return l.memory || l.cpu ? l : undefined;
  };

  const submit = async (force = false) => {
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
      ...(headless && headlessOk
        ? { headless: true, ...(prompt.trim() ? { prompt: prompt.trim() } : {}) }
        : {}),
    };
    setBusy(true);
    setError(null);
    setRefused(false);
    try {
      await p.onSpawn(params, repoConfig.host);
      p.onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setRefused(isOrchardError(e) && e.code === 'admission-refused');
      setBusy(false);
    }
  };

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
              <span className="spinner" aria-hidden="true" /> Creating worktree and starting the agent…
            </span>
          )}
          <span className="spacer" />
          <button type="button" className="btn" onClick={p.onClose} disabled={busy}>
            Cancel
          </button>
          {refused && (
            <button type="button" className="btn" onClick={() => void submit(true)} disabled={busy}>
              Start anyway
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
      <ErrorNote error={error} />
    </Dialog>
  );
}
