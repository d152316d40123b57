// One tab per open session. Drag a branch here to spawn; drag tabs to reorder; middle-click or ×
// detaches (the agent keeps running in tmux).
import { useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { LOCAL_HOST, type SessionInfo } from '../../../shared/model.ts';
import { BRANCH_MIME, getBranchDrag, hasType, TAB_MIME, type BranchRef } from '../dnd.ts';
import { PortChips } from './PortChips.tsx';
import { StateBadge } from './StateBadge.tsx';
import { CloseIcon, PlusIcon } from './icons.tsx';
import { ChangesButton } from '../changes/ReviewButtons.tsx';
import { ApproveButtons } from '../approve/ApproveButtons.tsx';

export interface PendingSpawn {
  key: string;
  repo: string;
  branch: string;
  host: string;
  phase: string;
}

export interface TabBarProps {
  tabs: SessionInfo[];
  activeId: string | null;
  /** Tabs whose session is gone (kept open, marked, until closed). */
  gone?: ReadonlySet<string>;
  pending: PendingSpawn[];
  onSelect: (id: string) => void;
  onClose: (id: string) => void;
  onReorder: (id: string, toIndex: number) => void;
  onDropBranch: (ref: BranchRef) => void;
  onNewSession: () => void;
  /** Open a port the session listens on (absent: ports are not shown). */
  onOpenPort?: (id: string, port: number) => void;
}

export function tabPanelId(id: string): string {
  return `panel-${id}`;
}

export function tabId(id: string): string {
  return `tab-${id}`;
}

export function TabBar(p: TabBarProps) {
  const [dropHint, setDropHint] = useState<'branch' | number | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const active = p.tabs.find((t) => t.id === p.activeId);

  const focusTab = (id: string | undefined) => {
    if (!id) return;
    p.onSelect(id);
    listRef.current?.querySelector<HTMLElement>(`#${CSS.escape(tabId(id))}`)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent, i: number) => {
    const id = p.tabs[i]!.id;
    if (e.key === 'ArrowRight') focusTab(p.tabs[(i + 1) % p.tabs.length]?.id);
    else if (e.key === 'ArrowLeft') focusTab(p.tabs[(i - 1 + p.tabs.length) % p.tabs.length]?.id);
    else if (e.key === 'Home') focusTab(p.tabs[0]?.id);
    else if (e.key === 'End') focusTab(p.tabs[p.tabs.length - 1]?.id);
    else if (e.key === 'Delete') p.onClose(id);
    else return;
    e.preventDefault();
  };

  // Dropping on the bar (or a tab) accepts a branch (spawn) or a tab (reorder).
  const onDragOver = (e: DragEvent, index: number) => {
    if (hasType(e, BRANCH_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setDropHint('branch');
    } else if (hasType(e, TAB_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      setDropHint(index);
    }
  };

  const onDrop = (e: DragEvent, index: number) => {
    e.preventDefault();
    e.stopPropagation();
    setDropHint(null);
    const ref = getBranchDrag(e);
    if (ref) return p.onDropBranch(ref);
    const id = e.dataTransfer.getData(TAB_MIME);
    if (id && p.tabs.some((t) => t.id === id)) p.onReorder(id, index);
  };

  return (
    <div
      className={dropHint === 'branch' ? 'tabbar drop-active' : 'tabbar'}
      onDragOver={(e) => onDragOver(e, p.tabs.length)}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropHint(null);
      }}
      onDrop={(e) => onDrop(e, p.tabs.length)}
    >
      <div role="tablist" aria-label="Sessions" className="tabs" ref={listRef}>
        {p.tabs.map((s, i) => {
          const active = s.id === p.activeId;
          const gone = p.gone?.has(s.id) ?? false;
          return (
            <div
              key={s.id}
              role="presentation"
              className={[
                'tab-wrap',
                active ? 'active' : '',
                gone ? 'gone' : '',
                dropHint === i ? 'drop-before' : '',
                s.state === 'stopped' ? 'stopped' : '',
              ].join(' ')}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData(TAB_MIME, s.id);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onDragOver={(e) => {
                e.stopPropagation();
                onDragOver(e, i);
              }}
              onDrop={(e) => onDrop(e, i)}
              onMouseDown={(e) => {
                if (e.button === 1) e.preventDefault(); // no autoscroll cursor
              }}
              onAuxClick={(e) => {
                if (e.button === 1) p.onClose(s.id);
              }}
            >
              <button
                type="button"
                role="tab"
                id={tabId(s.id)}
                data-session={s.id}
                aria-selected={active}
                aria-controls={tabPanelId(s.id)}
                tabIndex={active ? 0 : -1}
                className="tab"
                title={`${s.branch} — ${s.repo} on ${s.host} (${s.agent})${gone ? ' — its tmux session is gone' : ''}`}
                data-gone={gone || undefined}
                onClick={() => p.onSelect(s.id)}
                onKeyDown={(e) => onKeyDown(e, i)}
              >
                {/* Spaces between the parts keep the accessible name readable: "feat/x devbox idle". */}
                <span className="tab-branch">{s.branch}</span>{' '}
                {s.host !== LOCAL_HOST && <span className="tab-host">{s.host}</span>}{' '}
                <StateBadge session={s} compact />
                {i < 9 && (
                  <span className="tab-key" aria-hidden="true">
                    {i + 1}
                  </span>
                )}
              </button>
              {p.onOpenPort && <PortChips session={s} onOpen={p.onOpenPort} max={1} />}
              <ApproveButtons session={s} compact />
              <button
                type="button"
                className="tab-close"
                aria-label={`Close tab ${s.branch}`}
                title="Close tab (the agent keeps running)"
                tabIndex={-1}
                onClick={() => p.onClose(s.id)}
              >
                <CloseIcon />
              </button>
            </div>
          );
        })}
      </div>
      {p.pending.map((x) => (
        <div key={x.key} className="tab-pending" role="status">
          <span className="spinner" aria-hidden="true" />
          <span className="tab-branch">{x.branch}</span>
          <span className="muted">{x.phase}</span>
        </div>
      ))}
      {active && <ChangesButton session={active} compact />}
      <button
        type="button"
        className="tab-new"
        aria-label="Start a new session"
        title="New session (Ctrl+Shift+T) — or drop a branch here"
        onClick={p.onNewSession}
      >
        <PlusIcon />
      </button>
      <div className="tabbar-fill" aria-hidden="true">
        {dropHint === 'branch' ? 'Drop to start a session' : ''}
      </div>
    </div>
  );
}
