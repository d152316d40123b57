// "Add repository" (a path on a host) and "Add host" (an SSH alias or user@host[:port]).
import { useState } from 'react';
import type { HostSummary } from '../../../shared/api.ts';
import { Dialog, ErrorNote } from './Dialog.tsx';

function useSubmit(run: () => Promise<unknown>, onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await run();
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}

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
  onClose: () => void;
}

export function AddHostDialog(p: AddHostDialogProps) {
  const [name, setName] = useState('');
  const [ssh, setSsh] = useState('');
  const [identity, setIdentity] = useState('');
  const s = useSubmit(
    () => p.onAdd(name.trim(), ssh.trim() || undefined, identity.trim() || undefined),
    p.onClose,
  );
  return (
    <Dialog
      title="Add SSH host"
      onClose={p.onClose}
      busy={s.busy}
      onSubmit={() => (name.trim() ? void s.submit() : s.setError('Name the host.'))}
      footer={<Footer busy={s.busy} label={s.busy ? 'Connecting…' : 'Add host'} onClose={p.onClose} />}
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
      <p className="hint">
        Unknown host keys must be trusted first: <code>orchard host trust {name.trim() || '<name>'}</code>
      </p>
      <ErrorNote error={s.error} />
    </Dialog>
  );
}
