// The engine needs an SSH key's passphrase (an encrypted key not in ssh-agent): it asks every open
// window with a `passphraseRequest`; the first answer wins and `passphraseDone` closes the others.
// The passphrase goes to the engine only; nothing here keeps it. "Remember" appears in the app when
// it has an OS-backed keychain (the engine says so in the request), never in browser mode.
import { useEffect, useState } from 'react';
import type { OrchardApi, PassphraseRequestEvent } from '../../../shared/api.ts';
import { Dialog, ErrorNote } from './Dialog.tsx';
import { useSubmit } from './useSubmit.ts';

export function PassphrasePrompt({ api }: { api: OrchardApi }) {
  const [queue, setQueue] = useState<PassphraseRequestEvent[]>([]);
  useEffect(() => {
    const offAsk = api.on('passphraseRequest', (e) =>
      setQueue((q) => (q.some((x) => x.id === e.id) ? q : [...q, e])),
    );
    const offDone = api.on('passphraseDone', (e) => setQueue((q) => q.filter((x) => x.id !== e.id)));
    return () => {
      offAsk();
      offDone();
    };
  }, [api]);
  const current = queue[0];
  if (!current) return null;
  const drop = () => setQueue((q) => q.filter((x) => x.id !== current.id));
  return <PassphraseDialog key={current.id} api={api} request={current} onDone={drop} />;
}

function PassphraseDialog({
  api,
  request,
  onDone,
}: {
  api: OrchardApi;
  request: PassphraseRequestEvent;
  onDone: () => void;
}) {
  const [passphrase, setPassphrase] = useState('');
  const [remember, setRemember] = useState(false);
  // A failure: answered in another window, or timed out; the dialog says so and stays.
  const { busy, error, submit } = useSubmit(
    (value: string | null) =>
      api.request('answerPassphrase', {
        id: request.id,
        passphrase: value,
        ...(value !== null && remember ? { remember: true } : {}),
      }),
    onDone,
  );
  const answer = (value: string | null) => submit(value);
  return (
    <Dialog
      title="SSH key passphrase"
      onClose={() => void answer(null)}
      busy={busy}
      onSubmit={() => void answer(passphrase)}
      footer={
        <>
          <span className="spacer" />
          <button type="button" className="btn" onClick={() => void answer(null)} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy || !passphrase}>
            Unlock
          </button>
        </>
      }
    >
      <p>
        {request.retry ? 'Wrong passphrase. ' : ''}
        Orchard needs the passphrase of <code>{request.keyFile}</code>
        {request.host ? ` to connect to ${request.host}` : ''}.
      </p>
      <label className="field">
        <span>Passphrase</span>
        <input
          type="password"
          autoComplete="off"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          disabled={busy}
          data-autofocus
        />
      </label>
      {request.canRemember && (
        <label className="check">
          <input
            type="checkbox"
            checked={remember}
            onChange={(e) => setRemember(e.target.checked)}
            disabled={busy}
          />
          Remember it in the system keychain
        </label>
      )}
      <p className="hint">
        Or add the key to ssh-agent (<code>ssh-add {request.keyFile}</code>) and Orchard will not ask.
      </p>
      <ErrorNote error={error} />
    </Dialog>
  );
}
