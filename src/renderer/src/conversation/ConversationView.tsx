// A headless session's tab: its conversation (messages, collapsible tool calls with their results,
// each turn's outcome) and a prompt box, instead of a terminal. New events are asked for from the
// last offset while the tab is shown (`headlessEvents`); a message goes out with `sendText`, which
// the engine turns into one JSON user message on the session's pipe.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { HeadlessEvent, OrchardApi } from '../../../shared/api.ts';
import type { SessionInfo } from '../../../shared/model.ts';
import { groupTurns, resultLine, toolSummary, type Item } from './items.ts';
import './conversation.css';

export interface ConversationViewProps {
  api: OrchardApi;
  session: SessionInfo;
  active: boolean;
}

const POLL_MS = 1000;

export function ConversationView({ api, session, active }: ConversationViewProps) {
  const [events, setEvents] = useState<HeadlessEvent[]>([]);
  const [running, setRunning] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const offset = useRef(0);
  const list = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const id = session.id;

  const poll = useCallback(async () => {
    try {
      // Page through a long history at once; later polls bring what is new.
      for (let i = 0; i < 50; i++) {
        const r = await api.request('headlessEvents', { id, offset: offset.current });
        setRunning(r.running);
        const grew = r.offset !== offset.current;
        offset.current = r.offset;
        if (r.events.length) setEvents((e) => [...e, ...r.events]);
        if (!grew) break;
      }
      setError((e) => (e?.startsWith('events:') ? null : e));
    } catch (e) {
      setError(`events: ${(e as Error).message}`);
    }
  }, [api, id]);

  useEffect(() => {
    if (!active) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async () => {
      await poll();
      if (!stop) timer = setTimeout(() => void loop(), POLL_MS);
    };
    void loop();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [active, poll]);

  // Stay at the bottom while the user has not scrolled up.
  useEffect(() => {
    const el = list.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [events]);

  const items = groupTurns(events);
  const canSend = running && session.headless === 'stream-json';
  return (
    <div className="conversation" aria-label={`Conversation ${session.branch}`}>
      <div
        className="conv-list"
        ref={list}
        role="log"
        aria-live="polite"
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {items.length === 0 && <p className="conv-empty muted">No messages yet.</p>}
        {items.map((it, i) => (
          <ItemView key={i} item={it} />
        ))}
        {session.state === 'working' && (
          <p className="conv-working muted" role="status">
            <span className="spinner" aria-hidden="true" /> Working…
          </p>
        )}
      </div>
      {error && (
        <p className="conv-error" role="alert">
          {error}
        </p>
      )}
      <PromptBox
        disabled={!canSend}
        placeholder={
          session.headless === 'argv'
            ? 'This agent ran one prompt and takes no more messages'
            : running
              ? 'Message the agent (Enter sends, Shift+Enter for a new line)'
              : 'The agent is not running'
        }
        onSend={async (text) => {
          try {
            await api.request('sendText', { id, text });
            setError(null);
            pinned.current = true;
            void poll();
            return true;
          } catch (e) {
            setError((e as Error).message);
            return false;
          }
        }}
      />
    </div>
  );
}

function ItemView({ item }: { item: Item }) {
  switch (item.kind) {
    case 'start':
      return <p className="conv-start muted">Agent started{item.model ? ` (${item.model})` : ''}</p>;
    case 'user':
      return (
        <div className="conv-msg user" aria-label="You">
          {item.text}
        </div>
      );
    case 'assistant':
      return (
        <div className="conv-msg assistant" aria-label="Agent">
          {item.text}
        </div>
      );
    case 'tool':
      return (
        <details className={`conv-tool${item.result?.isError ? ' failed' : ''}`}>
          <summary>
            <span className="conv-tool-name">{item.name}</span>{' '}
            <span className="conv-tool-sum">{toolSummary(item.input)}</span>
          </summary>
          <pre className="conv-tool-input">{JSON.stringify(item.input, null, 2)}</pre>
          {item.result && <pre className="conv-tool-result">{item.result.text}</pre>}
        </details>
      );
    case 'result':
      return (
        <p className={`conv-result${item.ok ? '' : ' failed'}`}>
          {resultLine(item)}
          {(item.denials ?? []).map((d) => (
            <span key={d} className="conv-denied">
              denied: {d}
            </span>
          ))}
        </p>
      );
    case 'notice':
      return <p className="conv-notice muted">{item.text}</p>;
  }
}

function PromptBox(p: {
  disabled: boolean;
  placeholder: string;
  onSend: (text: string) => Promise<boolean>;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async () => {
    const t = text.trim();
    if (!t || busy || p.disabled) return;
    setBusy(true);
    if (await p.onSend(t)) setText('');
    setBusy(false);
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };
  return (
    <form
      className="conv-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <textarea
        aria-label="Message"
        rows={2}
        value={text}
        placeholder={p.placeholder}
        disabled={p.disabled}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKey}
      />
      <button type="submit" className="btn primary" disabled={p.disabled || busy || !text.trim()}>
        Send
      </button>
    </form>
  );
}
