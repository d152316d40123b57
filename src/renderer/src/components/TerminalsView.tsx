// The tab bar and one tabpanel per open session. Every panel stays mounted (inactive ones are
// hidden) so each xterm keeps its content and scrollback while another tab is shown.
import { useState, type DragEvent } from 'react';
import type { OrchardApi } from '../../../shared/api.ts';
import type { SessionInfo } from '../../../shared/model.ts';
import { BRANCH_MIME, getBranchDrag, hasType } from '../dnd.ts';
import type { AppState, Store } from '../state/store.ts';
import type { TerminalRegistry } from '../terminal/registry.ts';
import { TerminalView } from '../terminal/TerminalView.tsx';
import { ConversationView } from '../conversation/ConversationView.tsx';
import { TabBar, tabId, tabPanelId } from './TabBar.tsx';
import { SessionPanel } from './Revive.tsx';

export interface TerminalsViewProps {
  api: OrchardApi;
  registry: TerminalRegistry;
  state: AppState;
  store: Store;
  hidden: boolean;
  searchSignal: number;
}

export function TerminalsView({ api, registry, state: s, store, hidden, searchSignal }: TerminalsViewProps) {
  // A tab whose session left the list stays, shown as stopped (its terminal says why).
  const tabs = s.tabs
    .map((id) => s.sessions.find((x) => x.id === id) ?? goneTab(s.gone[id]))
    .filter((x): x is SessionInfo => x !== undefined);
  const gone = new Set(Object.keys(s.gone));
  return (
    <section className="terminals-view" hidden={hidden} aria-label="Terminals">
      <TabBar
        tabs={tabs}
        activeId={s.active}
        gone={gone}
        pending={s.pending}
        onSelect={(id) => store.selectTab(id)}
        onClose={(id) => store.closeTab(id)}
        onReorder={(id, to) => store.reorderTab(id, to)}
        onDropBranch={(ref) => void store.activateBranch(ref)}
        onNewSession={() => store.openDialog({ kind: 'new' })}
        onOpenPort={(id, port) => void store.openPort(id, port)}
      />
      <div className="panels">
        {tabs.length === 0 && <EmptyDropZone pending={s.pending.length > 0} store={store} />}
        {tabs.map((t) => (
          <div
            key={t.id}
            role="tabpanel"
            id={tabPanelId(t.id)}
            aria-labelledby={tabId(t.id)}
            className="panel"
            hidden={t.id !== s.active}
          >
            <SessionPanel session={t} onRevive={(id, how) => store.revive(id, how)}>
              {(key) =>
                // A headless session has no terminal to show: its conversation instead.
                t.headless ? (
                  <ConversationView key={key} api={api} session={t} active={!hidden && t.id === s.active} />
                ) : (
                  <TerminalView
                    key={key}
                    api={api}
                    registry={registry}
                    sessionId={t.id}
                    active={!hidden && t.id === s.active}
                    alive={!gone.has(t.id) && t.state !== 'stopped' && t.state !== 'unreachable'}
                    theme={s.theme}
                    searchSignal={searchSignal}
                    onSize={(c, r) => store.setTermSize(c, r)}
                  />
                )
              }
            </SessionPanel>
          </div>
        ))}
      </div>
    </section>
  );
}

function goneTab(s: SessionInfo | undefined): SessionInfo | undefined {
  return s && { ...s, state: 'stopped', reason: 'its tmux session is gone', pid: null };
}

function EmptyDropZone({ pending, store }: { pending: boolean; store: Store }) {
  const [over, setOver] = useState(false);
  const accept = (e: DragEvent) => {
    if (!hasType(e, BRANCH_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setOver(true);
  };
  return (
    <div
      className={over ? 'dropzone over' : 'dropzone'}
      aria-label="New session drop zone"
      onDragEnter={accept}
      onDragOver={accept}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const ref = getBranchDrag(e);
        if (ref) void store.activateBranch(ref);
      }}
    >
      <div className="dropzone-inner">
        <div className="dropzone-icon" aria-hidden="true">
          ⎇
        </div>
        <p>{pending ? 'Starting the agent…' : 'Drop a branch here to start an agent on it'}</p>
        <p className="muted small">
          or{' '}
          <button type="button" className="link-btn" onClick={() => store.openDialog({ kind: 'new' })}>
            create a new session
          </button>{' '}
          · <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>T</kbd>
        </p>
      </div>
    </div>
  );
}
