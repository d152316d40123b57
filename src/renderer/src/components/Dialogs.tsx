// Whichever dialog the store says is open.
import type { AppState, Store } from '../state/store.ts';
import { AddHostDialog, AddRepoDialog, HostDialog } from './HostRepoDialogs.tsx';
import { NewSessionDialog } from './NewSessionDialog.tsx';
import { TerminateDialog } from './TerminateDialog.tsx';

export function Dialogs({ state: s, store }: { state: AppState; store: Store }) {
  const d = s.dialog;
  const close = () => store.openDialog(null);
  if (!d) return null;
  if (d.kind === 'new')
    return (
      <NewSessionDialog
        repos={s.repos}
        branches={s.branches}
        profiles={s.profiles}
        preset={d.preset}
        onLoadBranches={(repo) => void store.loadBranches(repo)}
        onSpawn={(params, host) => store.spawn(params, host, { quiet: true })}
        onClose={close}
        onAddRepo={() => store.openDialog({ kind: 'addRepo', host: 'local' })}
        sessions={s.sessions}
        onPlan={(params) => store.setupPlan(params)}
        onTrust={(repo, sha) => store.trustSetup(repo, sha)}
        onCapture={(id) => store.capture(id)}
        onSetupAction={(id, action) => store.setupAction(id, action)}
      />
    );
  if (d.kind === 'terminate') {
    const session = s.sessions.find((x) => x.id === d.id);
    if (!session) return null;
    return (
      <TerminateDialog
        session={session}
        onTerminate={(removeWorktree, force) => store.terminate(d.id, removeWorktree, force)}
        onClose={close}
      />
    );
  }
  if (d.kind === 'addRepo')
    return (
      <AddRepoDialog
        hosts={s.hosts}
        host={d.host}
        onAdd={(path, host, name) => store.addRepo(path, host, name)}
        onClose={close}
      />
    );
  if (d.kind === 'host') {
    const host = s.hosts.find((h) => h.name === d.name);
    if (!host) return null;
    return (
      <HostDialog
        host={host}
        actions={store.hostActions}
        onRemove={() => store.removeHost(host.name)}
        onClose={() => {
          close();
          void store.loadHosts();
        }}
      />
    );
  }
  return (
    <AddHostDialog
      onAdd={(name, ssh, identity) => store.addHost(name, ssh, identity)}
      actions={store.hostActions}
      onClose={() => {
        close();
        void store.loadHosts();
      }}
    />
  );
}
