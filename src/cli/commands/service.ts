// `orchard service install|uninstall|status [--host H]`: systemd user units that start Orchard's
// tmux server at boot and resume the recorded sessions (src/core/service).
import { fileURLToPath } from 'node:url';
import { LOCAL_HOST } from '../../shared/model.ts';
import {
  installService,
  serviceStatus,
  uninstallService,
  type ServiceOptions,
  type ServiceReport,
} from '../../core/service/service.ts';
import type { Engine } from '../../core/engine.ts';
import { need, str, type Command, type CommandContext } from '../command.ts';

const options = { json: { type: 'boolean' }, host: { type: 'string' } } as const;

/** This very orchard (node + bin/orchard.js) and its ORCHARD_HOME, for the local resume unit. */
function localOptions(engine: Engine): ServiceOptions {
  const bin = fileURLToPath(new URL('../../../bin/orchard.js', import.meta.url));
  return { orchard: [process.execPath, bin], env: { ORCHARD_HOME: engine.hosts.home } };
}

function human(r: ServiceReport): string {
  const lines = r.units.map((u) => `${u.state.padEnd(9)}  ${u.file}\n`);
  lines.push(
    `enabled: ${r.enabled ? 'yes' : 'no'}  user manager: ${r.manager ? 'yes' : 'no'}  linger: ${r.linger ? 'yes' : 'no'}\n`,
  );
  return lines.join('') + r.notes.map((n) => `note: ${n}\n`).join('');
}

function command(
  name: string,
  summary: string,
  op: (engine: Engine, host: string) => Promise<ServiceReport>,
): Command {
  return {
    name: `service ${name}`,
    usage: `service ${name} [--host H] [--json]`,
    summary,
    options,
    async run({ args, values, engine, emit }: CommandContext) {
      need(args, 0, this.usage);
      const r = await op(engine(), str(values, 'host') ?? LOCAL_HOST);
      emit(r, human(r));
      return 0;
    },
  };
}

export const serviceCommands: Command[] = [
  command(
    'install',
    "systemd user units: Orchard's tmux server and a resume of its sessions at boot",
    async (e, h) => installService(await e.hosts.get(h), localOptions(e)),
  ),
  command('uninstall', 'remove those units (running agents are left alone)', async (e, h) =>
    uninstallService(await e.hosts.get(h)),
  ),
  command('status', 'whether the units are installed, current and enabled', async (e, h) =>
    serviceStatus(await e.hosts.get(h), localOptions(e)),
  ),
];
