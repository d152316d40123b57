// `--follow`: one streaming command on the session's host (here or over SSH, in a pty so it ends
// with the connection), its output handed on in whole lines; Ctrl-C or SIGTERM ends it with 0.
import type { Host } from '../core/hosts/host.ts';

/** Runs `argv` on `host`, calling `onLines` with each batch of complete lines; resolves with its exit code. */
export async function followLines(
  host: Host,
  argv: readonly string[],
  onLines: (lines: string[]) => void,
): Promise<number> {
  const stream = await host.openPty(argv, { cols: 500, rows: 50 });
  let partial = '';
  const code = await new Promise<number>((resolve) => {
    stream.onData((d) => {
      const parts = (partial + d.replace(/\r/g, '')).split('\n');
      partial = parts.pop() ?? '';
      if (parts.length) onLines(parts);
    });
    stream.onExit(({ code }) => resolve(code ?? 0));
    const stop = () => resolve(0);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  stream.dispose();
  return code;
}
