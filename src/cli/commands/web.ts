// `orchard web`: browser mode. Serves the built UI and the app's contract over one WebSocket,
// behind a random token; loopback only unless --host says otherwise.
import { UsageError, str, type Command } from '../command.ts';
import { isLoopback } from '../web/auth.ts';

function parsePort(v: string | undefined): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!/^\d{1,5}$/.test(v) || n > 65535) throw new UsageError(`--port must be 0..65535, not ${v}`);
  return n;
}

export const webCommands: Command[] = [
  {
    name: 'web',
    usage: 'web [--port N] [--host ADDR]',
    summary: 'browser mode: serve the UI on http://127.0.0.1 (token required)',
    options: { port: { type: 'string' }, host: { type: 'string' } },
    async run({ args, values, io, engine }) {
      if (args.length) throw new UsageError(`unexpected argument: ${args[0]} (usage: orchard ${this.usage})`);
      const port = parsePort(str(values, 'port'));
      const host = str(values, 'host') ?? '127.0.0.1';
      // Loaded on use: the server (ws, zod, the router) is most of the CLI's start-up otherwise.
      const { startWebServer } = await import('../web/server.ts');
      await (await import('../web/ui-build.ts')).ensureUiBuilt(io.err);
      const e = engine();
      e.processKind = 'web';
      const { FleetMonitor } = await import('../../core/status/fleet-monitor.ts');
      // The engine runs for a front end from now on, page open or not: statuses, screen checks and
      // soft memory limits are watched by the fleet monitor for as long as this command runs.
      const monitor = new FleetMonitor(e).start();
      const server = await startWebServer({ engine: e, port, host, router: { monitor } });
      if (!isLoopback(host))
        io.err(
          `orchard web: WARNING: listening on ${host}, reachable from other machines. Anyone with the ` +
            `token controls your agents, and plain HTTP is not encrypted: use it only on a network you trust.\n`,
        );
      if (!server.rendererBuilt)
        io.err('orchard web: the UI is not built (out/renderer is missing): run `npm run build` first.\n');
      io.out(`${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
      monitor.dispose();
      return 0;
    },
  },
];
