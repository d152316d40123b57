// hosts → repos → branches as an ARIA tree (roving focus, arrows, Enter). Branch items are named by
// the branch alone so they are easy to find for people using a screen reader (and for tests); the
// markers are described separately.
import { useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import type { HostSummary } from '../../../shared/api.ts';
import type { BranchInfo, RepoConfig, SessionInfo } from '../../../shared/model.ts';
import { setBranchDrag, type BranchRef } from '../dnd.ts';
import { stateLabel } from '../../../shared/fleet.ts';
import { StateBadge } from './StateBadge.tsx';
import { treeKeyAction, type TreeItem } from './treeNav.ts';
import {
  BranchIcon,
  ChevronIcon,
  HomeIcon,
  OpenIcon,
  PlayIcon,
  PlusIcon,
  RepoIcon,
  ServerIcon,
} from './icons.tsx';

/** A host as listHosts reports it: where it points, and how the last contact went. */
export type HostView = HostSummary;

export interface BranchLoad {
  loading: boolean;
  branches: BranchInfo[] | null;
  error?: string;
}

export interface BranchTreeProps {
  hosts: HostView[];
  repos: RepoConfig[];
  branches: Record<string, BranchLoad | undefined>;
  sessions: SessionInfo[];
  filter: string;
  /** Repos are collapsed until opened; opening one loads its branches. */
  onExpandRepo: (repo: string) => void;
  onActivateBranch: (ref: BranchRef, session: SessionInfo | undefined) => void;
  onAddRepo: (host: string) => void;
  /** An SSH host's own dialog: check it, trust its key, remove it. */
  onOpenHost?: (host: string) => void;
}

export function sessionFor(
  repo: RepoConfig,
  b: BranchInfo,
  sessions: SessionInfo[],
): SessionInfo | undefined {
  return (
    sessions.find((s) => s.id === b.sessionId) ??
    sessions.find((s) => s.repo === repo.name && s.host === repo.host && s.branch === b.name)
  );
}

function matches(b: BranchInfo, filter: string): boolean {
  return !filter || b.name.toLowerCase().includes(filter.toLowerCase());
}

export function BranchTree(p: BranchTreeProps) {
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [openRepos, setOpenRepos] = useState<Set<string>>(new Set());
  const [focused, setFocused] = useState<string | null>(null);
  const treeRef = useRef<HTMLUListElement>(null);
  const filtering = p.filter.trim() !== '';

  const isOpen = (id: string, kind: 'host' | 'repo') =>
    kind === 'host' ? !collapsed.has(id) : filtering || openRepos.has(id);

  const toggle = (id: string, kind: 'host' | 'repo', open: boolean) => {
    if (kind === 'host') {
      setCollapsed((s) => withFlag(s, id, !open));
      return;
    }
    setOpenRepos((s) => withFlag(s, id, open));
    if (open) p.onExpandRepo(id.slice('repo:'.length));
  };

  const visibleBranches = (repo: RepoConfig) =>
    (p.branches[repo.name]?.branches ?? []).filter((b) => b.kind === 'local' && matches(b, p.filter.trim()));

  const kindOf = (id: string) => (id.startsWith('host:') ? 'host' : 'repo');

  // The flattened, visible items in document order drive keyboard navigation.
  const items: TreeItem[] = [];
  for (const h of p.hosts) {
    const hid = `host:${h.name}`;
    items.push({ id: hid, parent: null, expandable: true, open: isOpen(hid, 'host') });
    if (!isOpen(hid, 'host')) continue;
    for (const r of p.repos.filter((x) => x.host === h.name)) {
      const rid = `repo:${r.name}`;
      items.push({ id: rid, parent: hid, expandable: true, open: isOpen(rid, 'repo') });
      if (!isOpen(rid, 'repo')) continue;
      for (const b of visibleBranches(r)) {
        const ref = { host: r.host, repo: r.name, branch: b.name };
        const activate = () => p.onActivateBranch(ref, sessionFor(r, b, p.sessions));
        items.push({
          id: `branch:${r.name}:${b.name}`,
          parent: rid,
          expandable: false,
          open: false,
          activate,
        });
      }
    }
  }

  const current = items.find((i) => i.id === focused) ?? items[0];

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).getAttribute('role') !== 'treeitem' || !current) return;
    const action = treeKeyAction(items, current, e.key);
    if (!action) return;
    e.preventDefault();
    if (action.kind === 'activate') action.item.activate?.();
    else if (action.kind === 'toggle') toggle(action.id, kindOf(action.id), action.open);
    else {
      setFocused(action.id);
      treeRef.current?.querySelector<HTMLElement>(`[data-tree-id="${CSS.escape(action.id)}"]`)?.focus();
    }
  };

  const itemProps = (id: string) => ({
    'data-tree-id': id,
    tabIndex: current?.id === id ? 0 : -1,
    onFocus: (e: FocusEvent) => {
      if (e.target === e.currentTarget) setFocused(id);
    },
  });

  if (p.hosts.length === 0) return <p className="tree-empty">No hosts.</p>;

  return (
    <ul
      role="tree"
      aria-label="Hosts, repositories and branches"
      className="tree"
      ref={treeRef}
      onKeyDown={onKeyDown}
    >
      {p.hosts.map((h) => {
        const hid = `host:${h.name}`;
        const hostRepos = p.repos.filter((r) => r.host === h.name);
        const open = isOpen(hid, 'host');
        return (
          <li
            key={hid}
            role="treeitem"
            aria-label={h.name}
            aria-level={1}
            aria-expanded={open}
            {...itemProps(hid)}
          >
            <div className="row row-host" onClick={() => toggle(hid, 'host', !open)}>
              <Chevron open={open} />
              <span className="host-icon" aria-hidden="true">
                {h.name === 'local' ? <HomeIcon /> : <ServerIcon />}
              </span>
              <span className="row-name">{h.name}</span>
              {h.address && <span className="muted ellipsis">{h.address}</span>}
              {(h.status === 'unreachable' || h.status === 'untrusted') && (
                <span className="badge state-unreachable" title={h.error}>
                  <span className="dot" aria-hidden="true" />
                  <span className="badge-text">{h.status}</span>
                </span>
              )}
              {h.kind === 'ssh' && p.onOpenHost && (
                <button
                  type="button"
                  className="icon-btn row-action"
                  aria-label={`Host ${h.name}`}
                  title={`Check ${h.name}, trust its key, or remove it`}
                  onClick={(e) => {
                    e.stopPropagation();
                    p.onOpenHost?.(h.name);
                  }}
                >
                  <ServerIcon />
                </button>
              )}
              <button
                type="button"
                className="icon-btn row-action"
                aria-label={`Add repository on ${h.name}`}
                title={`Add repository on ${h.name}`}
                onClick={(e) => {
                  e.stopPropagation();
                  p.onAddRepo(h.name);
                }}
              >
                <PlusIcon />
              </button>
            </div>
            {open && (
              <ul role="group">
                {hostRepos.length === 0 && !filtering && (
                  <li role="none" className="tree-note">
                    No repositories yet
                  </li>
                )}
                {hostRepos.map((r) => renderRepo(r))}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );

  function renderRepo(r: RepoConfig) {
    const rid = `repo:${r.name}`;
    const open = isOpen(rid, 'repo');
    const load = p.branches[r.name];
    const shown = visibleBranches(r);
    if (filtering && load?.branches && shown.length === 0) return null;
    return (
      <li
        key={rid}
        role="treeitem"
        aria-label={r.name}
        aria-level={2}
        aria-expanded={open}
        {...itemProps(rid)}
      >
        <div className="row row-repo" title={r.path} onClick={() => toggle(rid, 'repo', !open)}>
          <Chevron open={open} />
          <span className="repo-icon" aria-hidden="true">
            <RepoIcon />
          </span>
          <span className="row-name">{r.name}</span>
          {load?.branches && (
            <span className="count">{load.branches.filter((b) => b.kind === 'local').length}</span>
          )}
        </div>
        {open && (
          <ul role="group">
            {load?.loading && !load.branches && (
              <li role="none" className="tree-note">
                Loading branches…
              </li>
            )}
            {load?.error && (
              <li role="none" className="tree-note error-text">
                {load.error}
              </li>
            )}
            {shown.map((b) => renderBranch(r, b))}
          </ul>
        )}
      </li>
    );
  }

  function renderBranch(r: RepoConfig, b: BranchInfo) {
    const id = `branch:${r.name}:${b.name}`;
    const s = sessionFor(r, b, p.sessions);
    const ref = { host: r.host, repo: r.name, branch: b.name };
    const described = [b.worktree ? 'has worktree' : '', s ? `session ${stateLabel(s)}` : '']
      .filter(Boolean)
      .join(', ');
    return (
      <li
        key={id}
        role="treeitem"
        aria-label={b.name}
        aria-level={3}
        aria-description={described || undefined}
        className="branch-item"
        draggable
        onDragStart={(e) => setBranchDrag(e, ref)}
        // A click shows a running session; starting a new one takes a deliberate double-click or drag.
        onClick={() => s && p.onActivateBranch(ref, s)}
        onDoubleClick={() => !s && p.onActivateBranch(ref, s)}
        {...itemProps(id)}
      >
        <div className="row row-branch" title={`${b.name}\n${b.lastCommit.subject}`}>
          <span className="branch-icon" aria-hidden="true">
            <BranchIcon />
          </span>
          <span className="row-name ellipsis">{b.name}</span>
          {(b.ahead > 0 || b.behind > 0) && (
            <span className="muted small" title={`${b.ahead} ahead, ${b.behind} behind ${b.upstream ?? ''}`}>
              {b.ahead > 0 && `↑${b.ahead}`}
              {b.behind > 0 && `↓${b.behind}`}
            </span>
          )}
          {b.worktree && (
            <span className="marker-wt" title={`worktree: ${b.worktree}`} aria-hidden="true">
              WT
            </span>
          )}
          {s ? <StateBadge session={s} compact /> : <span className="badge-slot" aria-hidden="true" />}
          <button
            type="button"
            className="icon-btn row-action"
            aria-label={`${s ? 'Open' : 'Start'} session on ${b.name}`}
            title={s ? 'Open its tab' : 'Start a session with the default agent'}
            tabIndex={-1}
            onClick={(e) => {
              e.stopPropagation();
              p.onActivateBranch(ref, s);
            }}
          >
            {s ? <OpenIcon /> : <PlayIcon />}
          </button>
        </div>
      </li>
    );
  }
}

function withFlag(s: Set<string>, id: string, on: boolean): Set<string> {
  const n = new Set(s);
  if (on) n.add(id);
  else n.delete(id);
  return n;
}

function Chevron({ open }: { open: boolean }) {
  return (
    <span className={open ? 'chevron open' : 'chevron'} aria-hidden="true">
      <ChevronIcon />
    </span>
  );
}
