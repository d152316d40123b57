// Checking an SSH host from the window, the way `orchard host test` / `host trust` do it: connect,
// and when its key is not known show the SHA256 fingerprint and trust exactly that key on request
// (trustHost carries the fingerprint shown, so a key swapped meanwhile is refused). A changed key is
// shown as the warning it is, with no button to accept it.
import { useEffect, useRef, useState } from 'react';
import type { HostInfo, HostKeyCheck, HostTestResult, OrchardApi } from '../../../shared/api.ts';
import { formatBytes } from '../../../shared/units.ts';
import { ErrorNote } from './Dialog.tsx';

/** The requests the check needs (the window's store passes its API through). */
export interface HostActions {
  test(name: string): Promise<HostTestResult>;
  key(name: string): Promise<HostKeyCheck>;
  trust(name: string, fingerprint: string): Promise<unknown>;
  info(name: string): Promise<HostInfo>;
}

export type CheckPhase =
  | { kind: 'testing' }
  | { kind: 'ok'; result: HostTestResult; info: HostInfo | null }
  | { kind: 'key'; check: HostKeyCheck; trusting: boolean; error: string | null }
  | { kind: 'error'; message: string };

const codeOf = (e: unknown): string | undefined => (e as { code?: string } | null)?.code;
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Runs the test (and the key check when the key is the problem); returns the phase to show. */
export async function checkHost(actions: HostActions, name: string): Promise<CheckPhase> {
  try {
    const result = await actions.test(name);
    const info = await actions.info(name).catch(() => null);
    return { kind: 'ok', result, info };
  } catch (e) {
    const code = codeOf(e);
    if (code !== 'host-key-unknown' && code !== 'host-key-changed')
      return { kind: 'error', message: messageOf(e) };
    try {
      return { kind: 'key', check: await actions.key(name), trusting: false, error: null };
    } catch (e2) {
      return { kind: 'error', message: messageOf(e2) };
    }
  }
}

export function HostCheck({ name, actions }: { name: string; actions: HostActions }) {
  const [phase, setPhase] = useState<CheckPhase>({ kind: 'testing' });
  const live = useRef(true);
  const run = () => {
    setPhase({ kind: 'testing' });
    void checkHost(actions, name).then((p) => live.current && setPhase(p));
  };
  useEffect(() => {
    live.current = true;
    run();
    return () => {
      live.current = false;
    };
    // Once per host shown; "Test again" re-runs it.
  }, [name]);

  const trust = async (check: HostKeyCheck) => {
    setPhase({ kind: 'key', check, trusting: true, error: null });
    try {
      await actions.trust(name, check.key.fingerprint);
      if (live.current) run();
    } catch (e) {
      if (live.current) setPhase({ kind: 'key', check, trusting: false, error: messageOf(e) });
    }
  };

  return (
    <section className="host-check" aria-label={`Check of ${name}`} aria-live="polite">
      {phase.kind === 'testing' && <p className="muted">Connecting to {name}…</p>}
      {phase.kind === 'ok' && <HostOk result={phase.result} info={phase.info} />}
      {phase.kind === 'key' && <KeyPanel name={name} phase={phase} onTrust={(c) => void trust(c)} />}
      {phase.kind === 'error' && <ErrorNote error={phase.message} />}
      {phase.kind !== 'testing' && !(phase.kind === 'key' && phase.trusting) && (
        <button type="button" className="btn" onClick={run}>
          Test again
        </button>
      )}
    </section>
  );
}

function HostOk({ result, info }: { result: HostTestResult; info: HostInfo | null }) {
  return (
    <dl className="host-facts">
      <dt>Status</dt>
      <dd>connected ({result.connectMs} ms)</dd>
      <dt>Target</dt>
      <dd>{result.target}</dd>
      <dt>Host key</dt>
      <dd>
        <code>{result.fingerprint}</code>
      </dd>
      <dt>tmux</dt>
      <dd>{result.tmux}</dd>
      <dt>git</dt>
      <dd>{result.git}</dd>
      {info && (
        <>
          <dt>Limits</dt>
          <dd>
            {info.limits.backend}: {info.limits.detail}
          </dd>
          <dt>Memory reserve</dt>
          <dd>{formatBytes(info.memoryReserve)}</dd>
        </>
      )}
    </dl>
  );
}

function KeyPanel({
  name,
  phase,
  onTrust,
}: {
  name: string;
  phase: Extract<CheckPhase, { kind: 'key' }>;
  onTrust: (c: HostKeyCheck) => void;
}) {
  const { check } = phase;
  const k = check.key;
  const hop = k.host === name ? name : `${name} (${k.host})`;
  if (check.status !== 'unknown')
    return (
      <div role="alert" className="error-note">
        <p>
          <strong>The host key of {hop} has changed</strong> (or is revoked): it presents {k.keyType}{' '}
          <code>{k.fingerprint}</code>
          {check.expected ? (
            <>
              , but {check.source} holds <code>{check.expected}</code>
            </>
          ) : null}
          . Someone may be intercepting the connection; Orchard refuses to connect.
        </p>
      </div>
    );
  return (
    <div className="host-key">
      <p>
        {hop} presents a host key Orchard does not know yet:
        <br />
        {k.keyType} <code data-testid="fingerprint">{k.fingerprint}</code>
      </p>
      <p className="hint">
        Compare it with the host&apos;s own (<code>ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</code> there)
        before you trust it.
      </p>
      <ErrorNote error={phase.error} />
      <button type="button" className="btn primary" disabled={phase.trusting} onClick={() => onTrust(check)}>
        {phase.trusting ? 'Trusting…' : 'Trust this key'}
      </button>
    </div>
  );
}

/** The host requests as HostActions, over the window's API. */
export function hostActions(api: Pick<OrchardApi, 'request'>): HostActions {
  return {
    test: (name) => api.request('testHost', { name }),
    key: (name) => api.request('hostKey', { name }),
    trust: (name, fingerprint) => api.request('trustHost', { name, fingerprint }),
    info: (name) => api.request('hostInfo', { name }),
  };
}
