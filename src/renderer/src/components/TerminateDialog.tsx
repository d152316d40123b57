// Terminate confirmation, with the optional "remove worktree" (refused by the engine when dirty:
// the error offers to force it).
import { useState } from 'react';
import type { SessionInfo } from '../../../shared/model.ts';
import { isOrchardError } from '../../../shared/errors.ts';
import { Dialog, ErrorNote } from './Dialog.tsx';
import { useSubmit } from './useSubmit.ts';

export interface TerminateDialogProps {
  session: SessionInfo;
  onTerminate: (removeWorktree: boolean, force: boolean) => Promise<void>;
  onClose: () => void;
}

export function TerminateDialog({ session, onTerminate, onClose }: TerminateDialogProps) {
  const [removeWorktree, setRemoveWorktree] = useState(false);
  const [force, setForce] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [teardownFailed, setTeardownFailed] = useState(false);
  const { busy, error, submit } = useSubmit(
    () => onTerminate(removeWorktree, removeWorktree && force),
    onClose,
    (e) => {
      if (isOrchardError(e) && e.code === 'worktree-dirty') setDirty(true);
      if (isOrchardError(e) && e.code === 'teardown-failed') setTeardownFailed(true);
    },
  );

  return (
    <Dialog
      title={`Terminate ${session.branch}?`}
      onClose={onClose}
      busy={busy}
      onSubmit={() => void submit()}
      footer={
        <>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose} disabled={busy} data-autofocus>
            Cancel
          </button>
          <button type="submit" className="btn danger" disabled={busy}>
            {busy ? 'Terminating…' : 'Terminate'}
          </button>
        </>
      }
    >
      <p>
        This stops the agent (<strong>{session.agent}</strong>) on <strong>{session.branch}</strong> in{' '}
        {session.repo}
        {session.host !== 'local' ? ` on ${session.host}` : ''}. The branch itself is kept.
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={removeWorktree}
          onChange={(e) => setRemoveWorktree(e.target.checked)}
          disabled={busy}
        />
        Also remove the worktree <code className="path">{session.worktree}</code>
      </label>
      {removeWorktree && dirty && (
        <label className="check warn">
          <input
            type="checkbox"
            checked={force}
            onChange={(e) => setForce(e.target.checked)}
            disabled={busy}
          />
          Discard its uncommitted changes
        </label>
      )}
      {removeWorktree && teardownFailed && (
        <label className="check warn">
          <input
            type="checkbox"
            checked={force}
            onChange={(e) => setForce(e.target.checked)}
            disabled={busy}
          />
          Remove it anyway (the repo's teardown failed{dirty ? '; uncommitted changes are discarded' : ''})
        </label>
      )}
      <ErrorNote error={error} />
    </Dialog>
  );
}
