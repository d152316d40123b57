// One subscription to terminalData / terminalExit / terminalStatus for the whole window, dispatched by terminal id:
// fifty open tabs must not mean fifty listeners each filtering every chunk.
import type {
  OrchardApi,
  TerminalDataEvent,
  TerminalExitEvent,
  TerminalStatusEvent,
} from '../../../shared/api.ts';

export interface TerminalSink {
  data(data: string): void;
  exit(e: TerminalExitEvent): void;
  status(e: TerminalStatusEvent): void;
}

export class TerminalRegistry {
  private readonly sinks = new Map<string, TerminalSink>();
  private unsubscribe: (() => void) | null = null;
  private readonly api: OrchardApi;
  private seq = 0;
  private readonly prefix = Math.random().toString(36).slice(2, 8);

  constructor(api: OrchardApi) {
    this.api = api;
  }

  /** A terminal id unique for this client ([A-Za-z0-9_.:-]). */
  nextId(): string {
    return `t${this.prefix}.${++this.seq}`;
  }

  register(term: string, sink: TerminalSink): () => void {
    this.ensureListening();
    this.sinks.set(term, sink);
    return () => {
      this.sinks.delete(term);
      if (this.sinks.size === 0) this.stopListening();
    };
  }

  private ensureListening(): void {
    if (this.unsubscribe) return;
    const offData = this.api.on('terminalData', (e: TerminalDataEvent) =>
      this.sinks.get(e.term)?.data(e.data),
    );
    const offExit = this.api.on('terminalExit', (e: TerminalExitEvent) => this.sinks.get(e.term)?.exit(e));
    const offStatus = this.api.on('terminalStatus', (e: TerminalStatusEvent) =>
      this.sinks.get(e.term)?.status(e),
    );
    this.unsubscribe = () => {
      offData();
      offExit();
      offStatus();
    };
  }

  private stopListening(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
