// "Add repository" (a path on a host), "Add host" (an SSH alias or user@host[:port]) and an existing
// host's own dialog (check it, trust its key, remove it): all through the contract, no CLI needed.
import { useState } from 'react';
import { HOST_NAME, HOST_NAME_RULE, parseSshAddress } from '../../../shared/address.ts';
import type { HostSummary } from '../../../shared/api.ts';
import { Dialog, ErrorNote } from './Dialog.tsx';
import { HostCheck, type HostActions } from './HostCheck.tsx';
import { useSubmit } from './useSubmit.ts';

function Footer({ busy, label, onClose }: { busy: boolean; label: string; onClose: () => void }) {
  return (
    <>
      <span className="spacer" />
      <button type="button" className="btn" onClick={onClose} disabled={busy}>
        Cancel
      </button>
      <button type="submit" className="btn primary" disabled={busy}>
        {label}
      </button>
    </>
  );
}

export interface AddRepoDialogProps {
  hosts: HostSummary[];
  host: string;
  onAdd: (path: string, host: string, name?: string) => Promise<unknown>;
  onClose: () => void;
}

export function AddRepoDialog(p: AddRepoDialogProps) {
  const [path, setPath] = useState('');
  const [host, setHost] = useState(p.host);
  const [name, setName] = useState('');
  const s = useSubmit(() => p.onAdd(path.trim(), host, name.trim() || undefined), p.onClose);
  return (
    <Dialog
      title="Add repository"
      onClose={p.onClose}
      busy={s.busy}
      onSubmit={() => (path.trim() ? void s.submit() : s.setError('Enter the path of a git repository.'))}
      footer={<Footer busy={s.busy} label={s.busy ? 'Adding…' : 'Add repository'} onClose={p.onClose} />}
    >
      <label className="field">
        <span>Path of a git repository</span>
        <input
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/home/me/src/project"
          spellCheck={false}
          disabled={s.busy}
          data-autofocus
        />
      </label>
      <div className="field-row">
        <label className="field grow">
          <span>Host</span>
          <select value={host} onChange={(e) => setHost(e.target.value)} disabled={s.busy}>
            {p.hosts.map((h) => (
              <option key={h.name} value={h.name}>
                {h.name}
                {h.address ? ` (${h.address})` : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Name (optional)</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            disabled={s.busy}
            spellCheck={false}
          />
        </label>
      </div>
      <ErrorNote error={s.error} />
    </Dialog>
  );
}

export interface AddHostDialogProps {
  onAdd: (name: string, ssh?: string, identity?: string) => Promise<unknown>;
  actions: HostActions;
  onClose: () => void;
}

/** The form, then (once added) the same check as for any host: connect, show the key, trust it. */
export function AddHostDialog(p: AddHostDialogProps) {
  const [name, setName] = useState('');
  const [ssh, setSsh] = useState('');
  const [identity, setIdentity] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const s = useSubmit(
    async () => {
      await p.onAdd(name.trim(), ssh.trim() || undefined, identity.trim() || undefined);
      setAdded(name.trim());
    },
    () => undefined,
  );
  if (added)
    return (
      <Dialog
        title="Add SSH host"
        onClose={p.onClose}
        footer={
          <>
            <span className="spacer" />
            <button type="button" className="btn primary" onClick={p.onClose}>
              Done
            </button>
          </>
        }
      >
        <p>Added {added}.</p>
        <HostCheck name={added} actions={p.actions} />
      </Dialog>
    );
  return (
    <Dialog
      title="Add SSH host"
      onClose={p.onClose}
      busy={s.busy}
      onSubmit={() => {
        const problem = hostFormProblem(name.trim(), ssh.trim());
        if (problem) s.setError(problem);
        else void s.submit();
      }}
      footer={<Footer busy={s.busy} label={s.busy ? 'Adding…' : 'Add host'} onClose={p.onClose} />}
    >
      <label className="field">
        <span>Name</span>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="devbox"
          spellCheck={false}
          disabled={s.busy}
          data-autofocus
        />
      </label>
      <label className="field">
        <span>Address (user@host[:port]; empty if the name is an ~/.ssh/config alias)</span>
        <input
          value={ssh}
          onChange={(e) => setSsh(e.target.value)}
          placeholder="me@devbox.example.com:22"
          spellCheck={false}
          disabled={s.busy}
        />
      </label>
      <label className="field">
        <span>Identity file (optional; ssh-agent is used otherwise)</span>
        <input
          value={identity}
          onChange={(e) => setIdentity(e.target.value)}
          spellCheck={false}
          disabled={s.busy}
        />
      </label>
      <p className="hint">Once added, Orchard connects and shows the host key for you to check and trust.</p>
      <ErrorNote error={s.error} />
    </Dialog>
  );
}

/** What is wrong with the form before anything is sent (the engine checks again, by the same rules). */
export function hostFormProblem(name: string, ssh: string): string | null {
  if (!name) return 'Name the host.';
  if (!HOST_NAME.test(name) || name === 'local') return `A host name is ${HOST_NAME_RULE}; not "local".`;
  if (ssh) {
    const t = parseSshAddress(ssh);
    if (typeof t === 'string') return t.charAt(0).toUpperCase() + t.slice(1) + '.';
  }
  return null;
}

export interface HostDialogProps {
  host: HostSummary;
  actions: HostActions;
  onRemove: () => Promise<unknown>;
  onClose: () => void;
}

/** An existing SSH host: where it points, the live check, and removing it. */
export function HostDialog(p: HostDialogProps) {
  const s = useSubmit(p.onRemove, p.onClose);
  return (
    <Dialog
      title={`Host ${p.host.name}`}
      onClose={p.onClose}
      busy={s.busy}
      footer={
        <>
          <button type="button" className="btn danger" onClick={() => void s.submit()} disabled={s.busy}>
            {s.busy ? 'Removing…' : 'Remove host'}
          </button>
          <span className="spacer" />
          <button type="button" className="btn" onClick={p.onClose} disabled={s.busy}>
            Close
          </button>
        </>
      }
    >
      <p>
        {p.host.address === p.host.name ? `ssh config alias ${p.host.name}` : p.host.address}
        {p.host.identity ? ` · key ${p.host.identity}` : ''}
      </p>
      <HostCheck name={p.host.name} actions={p.actions} />
      <p className="hint">Removing forgets the host and closes its connections; nothing on it is touched.</p>
      <ErrorNote error={s.error} />
    </Dialog>
  );
}
