// A terminal over SSH: an exec channel with a pty running the given command (tmux attach), the
// remote twin of node-pty. Output is decoded as a UTF-8 stream (a character split across packets
// stays whole); pause/resume stop reading, so ssh2 stops granting window and the server waits.
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import { Emitter } from '../util/lifecycle.ts';
import type { PtyStream } from '../hosts/host.ts';

export class SshPty implements PtyStream {
  private readonly dataEmitter = new Emitter<string>();
  private readonly exitEmitter = new Emitter<{ code: number | null }>();
  readonly onData = this.dataEmitter.event;
  readonly onExit = this.exitEmitter.event;
  private readonly decoder = new StringDecoder('utf8');
  private readonly channel: ClientChannel;
  private closed = false;

  constructor(channel: ClientChannel) {
    this.channel = channel;
    const onBytes = (b: Buffer) => {
      const s = this.decoder.write(b);
      if (s) this.dataEmitter.fire(s);
    };
    channel.on('data', onBytes);
    channel.stderr.on('data', onBytes);
    channel.on('error', () => {});
    // ssh2 hands the exit status to 'close' (code, or null and a signal name).
    channel.once('close', (code?: number | null) => {
      this.closed = true;
      const rest = this.decoder.end();
      if (rest) this.dataEmitter.fire(rest);
      this.exitEmitter.fire({ code: typeof code === 'number' ? code : null });
    });
  }

  write(data: string): void {
    if (!this.closed) this.channel.write(data);
  }

  resize(cols: number, rows: number): void {
    // ssh2 takes (rows, cols, height, width): rows first, unlike node-pty's (cols, rows).
    if (!this.closed && cols > 0 && rows > 0) this.channel.setWindow(rows, cols, 0, 0);
  }

  pause(): void {
    this.channel.pause();
  }

  resume(): void {
    this.channel.resume();
  }

  dispose(): void {
    if (!this.closed) {
      try {
        this.channel.close();
      } catch {
        // connection already gone
      }
    }
    this.dataEmitter.dispose();
    this.exitEmitter.dispose();
  }
}
