// A session's Changes: the files it changed against its base (committed or not) with +/− counts,
// one file's diff at a time (fetched on demand, so a large change set lists at once), and the
// actions that finish the work: Commit, Merge, Push, Create PR, Clean up. Each action first shows
// what exactly it will do; progress and errors appear right here. Refreshed when the agent goes
// idle, and on demand.
import { useCallback, useEffect, useRef, useState } from 'react';
import { DIFF_STATUS_LETTER, type DiffResult, type FilePatch } from '../../../shared/api.ts';
import type { SessionInfo } from '../../../shared/model.ts';
import { api } from '../api.ts';
import {
  ACTION_BUSY,
  ACTION_LABEL,
  defaultMessage,
  describe,
  run,
  type ActionInput,
  type ActionKind,
} from './actions.ts';
import { DiffViewer, type ViewType } from './DiffViewer.tsx';
import './changes.css';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface Pending {
  kind: ActionKind;
  busy: boolean;
}

export function ChangesView({ session: s, onClose }: { session: SessionInfo; onClose: () => void }) {
  const [diff, setDiff] = useState<DiffResult | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [patch, setPatch] = useState<FilePatch | null>(null);
  const [patchError, setPatchError] = useState<string | null>(null);
  const [viewType, setViewType] = useState<ViewType>('unified');
  const [pending, setPending] = useState<Pending | null>(null);
  const [input, setInput] = useState<ActionInput>({
    message: '',
    mode: 'merge',
    deleteWorktree: false,
    title: '',
  });
  const [result, setResult] = useState<{ text: string; url?: string } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const n = ++seq.current;
    setLoading(true);
    try {
      const d = await api.request('diff', { id: s.id });
      if (n !== seq.current) return;
      setDiff(d);
      setLoadError(null);
      setSelected((cur) => (cur && d.files.some((f) => f.path === cur) ? cur : (d.files[0]?.path ?? null)));
    } catch (e) {
      if (n === seq.current) setLoadError(message(e));
    } finally {
      if (n === seq.current) setLoading(false);
    }
  }, [s.id]);

  useEffect(() => {
    void load();
    // The agent finished a turn: its work is worth a fresh look.
    return api.on('sessionState', (e) => {
      if (e.id === s.id && e.to === 'idle') void load();
    });
  }, [load, s.id]);

  const file = diff?.files.find((f) => f.path === selected) ?? null;
  useEffect(() => {
    setPatch(null);
    setPatchError(null);
    if (!diff || !file) return;
    let live = true;
    api
      .request('filePatch', {
        id: s.id,
        mergeBase: diff.mergeBase,
        tree: diff.tree,
        path: file.path,
        ...(file.oldPath ? { oldPath: file.oldPath } : {}),
      })
      .then((p) => live && setPatch(p))
      .catch((e: unknown) => live && setPatchError(message(e)));
    return () => {
      live = false;
    };
  }, [diff, file, s.id]);

  const start = (kind: ActionKind) => {
    setResult(null);
    setActionError(null);
    if (kind === 'commit') setInput((i) => ({ ...i, message: defaultMessage(s, diff) }));
    setPending({ kind, busy: false });
  };

  const confirm = async () => {
    if (!pending) return;
    setPending({ ...pending, busy: true });
    try {
      const r = await run(api, pending.kind, s, input);
      setResult(r);
      setPending(null);
      if (pending.kind === 'cleanup' || (pending.kind === 'merge' && input.deleteWorktree)) return onClose();
      await load();
    } catch (e) {
      setActionError(message(e));
      setPending({ ...pending, busy: false });
    }
  };

  const merged = !!s.merged;
  const base = s.base ?? diff?.base ?? '';
  return (
    <section className="changes-view" role="dialog" aria-modal="false" aria-label={`Changes of ${s.branch}`}>
      <header className="changes-head">
        <h2 className="ellipsis" title={s.worktree}>
          Changes · {s.branch} <span className="muted">→ {base}</span>
        </h2>
        {diff && (
          <span className="changes-stat" aria-label="Totals">
            {diff.files.length} file(s) <span className="plus">+{diff.additions}</span>{' '}
            <span className="minus">−{diff.deletions}</span>
            {s.ahead !== undefined && (
              <span className="muted">
                {' '}
                · {s.ahead} ahead, {s.behind ?? 0} behind
              </span>
            )}
          </span>
        )}
        {merged && <span className="badge merged">merged</span>}
        {s.prUrl && (
          <a className="changes-pr" href={s.prUrl} target="_blank" rel="noreferrer">
            Pull request
          </a>
        )}
        <div className="changes-tools">
          <div className="seg" role="group" aria-label="Diff layout">
            <button
              type="button"
              aria-pressed={viewType === 'unified'}
              onClick={() => setViewType('unified')}
            >
              Unified
            </button>
            <button type="button" aria-pressed={viewType === 'split'} onClick={() => setViewType('split')}>
              Side by side
            </button>
          </div>
          <button type="button" className="btn small" onClick={() => void load()} disabled={loading}>
            {loading ? 'Refreshing…' : 'Refresh'}
          </button>
          <button type="button" className="btn small" onClick={onClose} aria-label="Close changes">
            Close
          </button>
        </div>
      </header>
      <div className="changes-actions" role="toolbar" aria-label="Finish the work">
        {(['commit', 'merge', 'push', 'pr', 'cleanup'] as const).map((k) => (
          <button
            key={k}
            type="button"
            className={`btn small ${k === 'cleanup' && merged ? 'primary' : ''}`}
            disabled={!!pending?.busy || (k === 'commit' && !diff?.files.length)}
            onClick={() => start(k)}
          >
            {ACTION_LABEL[k]}
          </button>
        ))}
      </div>
      {pending && (
        <ConfirmBox
          pending={pending}
          text={describe(pending.kind, s, diff, input)}
          input={input}
          setInput={setInput}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
        />
      )}
      {actionError && (
        <p className="changes-error" role="alert">
          {actionError}
        </p>
      )}
      {result && (
        <p className="changes-result" role="status">
          {result.text}
          {result.url && (
            <>
              {' '}
              <a href={result.url} target="_blank" rel="noreferrer">
                {result.url}
              </a>
            </>
          )}
        </p>
      )}
      {loadError && (
        <p className="changes-error" role="alert">
          {loadError}
        </p>
      )}
      <div className="changes-body">
        <ul className="changes-files" aria-label="Changed files">
          {diff?.files.length === 0 && <li className="muted">No changes against {base}.</li>}
          {diff?.files.map((f) => (
            <li key={f.path}>
              <button
                type="button"
                className={f.path === selected ? 'file selected' : 'file'}
                aria-current={f.path === selected}
                title={f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}
                onClick={() => setSelected(f.path)}
              >
                <span className={`st st-${f.status}`}>{DIFF_STATUS_LETTER[f.status]}</span>
                <span className="path ellipsis">{f.path}</span>
                {f.untracked && <span className="muted small">new</span>}
                <span className="nums">
                  {f.binary ? (
                    'bin'
                  ) : f.large ? (
                    'large'
                  ) : (
                    <>
                      <span className="plus">+{f.additions}</span>{' '}
                      <span className="minus">−{f.deletions}</span>
                    </>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
        <div className="changes-file" aria-label={file ? `Diff of ${file.path}` : 'Diff'}>
          {file && (
            <div className="changes-file-head">
              {file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}
            </div>
          )}
          {patchError && (
            <p className="changes-error" role="alert">
              {patchError}
            </p>
          )}
          {patch && patch.patch === null && (
            <p className="changes-note">
              {patch.large ? 'Over 5 MB: not shown.' : 'Binary file: not shown.'}
            </p>
          )}
          {patch?.patch && <DiffViewer patch={patch.patch} path={patch.path} viewType={viewType} />}
        </div>
      </div>
    </section>
  );
}

function ConfirmBox(p: {
  pending: Pending;
  text: string;
  input: ActionInput;
  setInput: (f: (i: ActionInput) => ActionInput) => void;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { kind, busy } = p.pending;
  return (
    <form
      className="changes-confirm"
      aria-label={`Confirm ${ACTION_LABEL[kind]}`}
      onSubmit={(e) => {
        e.preventDefault();
        p.onConfirm();
      }}
    >
      <p>{p.text}</p>
      {kind === 'commit' && (
        <label>
          Commit message
          <textarea
            rows={5}
            value={p.input.message}
            disabled={busy}
            onChange={(e) => p.setInput((i) => ({ ...i, message: e.target.value }))}
          />
        </label>
      )}
      {kind === 'merge' && (
        <div className="row">
          <label>
            How{' '}
            <select
              value={p.input.mode}
              disabled={busy}
              onChange={(e) => p.setInput((i) => ({ ...i, mode: e.target.value as ActionInput['mode'] }))}
            >
              <option value="merge">merge</option>
              <option value="squash">squash</option>
              <option value="rebase">rebase</option>
            </select>
          </label>
          <label>
            <input
              type="checkbox"
              checked={p.input.deleteWorktree}
              disabled={busy}
              onChange={(e) => p.setInput((i) => ({ ...i, deleteWorktree: e.target.checked }))}
            />{' '}
            then end the session and remove the worktree
          </label>
        </div>
      )}
      {kind === 'pr' && (
        <label>
          Title (default: the last commit's subject){' '}
          <input
            value={p.input.title}
            disabled={busy}
            onChange={(e) => p.setInput((i) => ({ ...i, title: e.target.value }))}
          />
        </label>
      )}
      <div className="row">
        <button
          type="submit"
          className="btn small primary"
          disabled={busy || (kind === 'commit' && !p.input.message.trim())}
        >
          {busy ? ACTION_BUSY[kind] : `${ACTION_LABEL[kind]} now`}
        </button>
        <button type="button" className="btn small" disabled={busy} onClick={p.onCancel}>
          Cancel
        </button>
        {busy && <span className="spinner" aria-hidden="true" />}
      </div>
    </form>
  );
}
