// The new-session dialog's "what will happen" (files copied from .worktreeinclude, the setup to run,
// a committed script shown in full with a button to trust exactly that content) and, once spawned,
// the setup's progress: the last lines of its output, then "setup failed (exit N)" with Retry /
// Start agent anyway, or the dialog closes when the agent starts.
import { useEffect, useState } from 'react';
import type { SetupAction, SetupPlan } from '../../../shared/api.ts';
import type { SessionInfo } from '../../../shared/model.ts';

export function hasSetup(plan: SetupPlan | null): boolean {
  return !!plan && (!!plan.setup.command || !!plan.setup.script?.trusted);
}

export function SetupPreview({
  plan,
  error,
  onTrust,
  busy,
}: {
  plan: SetupPlan | null;
  error: string | null;
  onTrust: (sha: string) => void;
  busy: boolean;
}) {
  if (error) return <p className="setup-plan muted">Could not read the repo's setup: {error}</p>;
  if (!plan) return null;
  const { include, setup } = plan;
  if (!include.count && !setup.command && !setup.script) return null;
  const more = include.count - include.files.length;
  return (
    <section className="setup-plan" aria-label="New worktree setup">
      {include.count > 0 && (
        <p title={include.files.join('\n')}>
          Copies {include.count} file{include.count === 1 ? '' : 's'} (.worktreeinclude):{' '}
          <code>{include.files.slice(0, 6).join(', ')}</code>
          {include.files.length > 6 || more > 0 ? ' …' : ''}
        </p>
      )}
      {setup.command && (
        <p>
          Setup: <code>{setup.command}</code>
        </p>
      )}
      {setup.script &&
        (setup.script.trusted ? (
          <p>
            Setup: <code>{setup.script.path}</code> (trusted)
          </p>
        ) : (
          <div className="setup-untrusted">
            <p>
              This repo's <code>{setup.script.path}</code> has not been trusted. Read it; it runs in the new
              worktree before the agent only once you trust this exact content.
            </p>
            <pre aria-label="Setup script">{setup.script.content}</pre>
            <button
              type="button"
              className="btn small"
              disabled={busy}
              onClick={() => onTrust(setup.script!.sha256)}
            >
              Trust this script
            </button>
          </div>
        ))}
    </section>
  );
}

/** The last lines of the screen that hold text. */
function tail(screen: string, n = 12): string {
  const lines = screen.replace(/\s+$/, '').split('\n');
  return lines.slice(-n).join('\n');
}

export function SetupProgress({
  session,
  onCapture,
  onAction,
  onDone,
}: {
  session: SessionInfo | undefined;
  onCapture: () => Promise<string>;
  onAction: (a: SetupAction) => Promise<void>;
  onDone: () => void;
}) {
  const [screen, setScreen] = useState('');
  const [acting, setActing] = useState(false);
  const [seen, setSeen] = useState(false);
  const setup = session?.setup;
  useEffect(() => {
    let live = true;
    const read = () =>
      void onCapture().then(
        (s) => live && setScreen(s),
        () => undefined,
      );
    read();
    const t = setInterval(read, 700);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, []);
  useEffect(() => {
    if (setup) setSeen(true);
    // The agent runs: the setup was seen and is over, or the session is gone / never had one.
    else if (seen || (session && session.state !== 'starting')) onDone();
  }, [setup, seen, session?.state]);
  useEffect(() => {
    if (!session) return;
    const t = setTimeout(() => !setup && !seen && onDone(), 8000);
    return () => clearTimeout(t);
  }, [!!session]);
  const act = (a: SetupAction) => {
    setActing(true);
    void onAction(a).finally(() => setActing(false));
  };
  return (
    <section className="setup-progress" aria-label="Setup progress">
      {setup === 'failed' ? (
        <p role="alert" className="error">
          {session?.detail ?? 'setup failed'}
        </p>
      ) : (
        <p role="status" className="progress">
          <span className="spinner" aria-hidden="true" /> Running setup in the new worktree…
        </p>
      )}
      <pre aria-label="Setup output">{tail(screen)}</pre>
      {setup === 'failed' && (
        <div className="card-actions">
          <button type="button" className="btn small primary" disabled={acting} onClick={() => act('retry')}>
            Retry setup
          </button>
          <button type="button" className="btn small" disabled={acting} onClick={() => act('skip')}>
            Start agent anyway
          </button>
        </div>
      )}
    </section>
  );
}
