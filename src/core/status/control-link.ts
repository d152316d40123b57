// The host monitor's push channel (host-monitor.ts) to one tmux server: a control-mode client
// (control.ts) hears sessions come and go, and a second one sleeps in `wait-for` until the
// server-wide hook `after-set-option` (every hook's `tmux set -p @orchard_state …`, the wrapper's
// exit record, a limit tag) or `pane-died` wakes it; then ONE list-panes runs through the control
// client: no process at all. (A `refresh-client -B` subscription would not do: tmux checks it at
// most once a second and only for the attached session, and each agent has a session of its own.)
import type { HostContext } from '../hosts/registry.ts';
import { ControlClient, type ControlExit } from '../tmux/control.ts';
import type { Disposable } from '../util/lifecycle.ts';
import { controlChannel, type PaneChannel } from './pane-channel.ts';

/** Signalled by the server-wide hooks below; every monitor on the server wakes on it. */
const WAKE_CHANNEL = 'orchard-state';
const HOOK_INDEX = 57;
/** Notifications after which the session list may differ. */
const RELIST = new Set([
  'sessions-changed',
  'session-renamed',
  'window-add',
  'window-close',
  'unlinked-window-add',
  'unlinked-window-close',
]);

export class ControlLink implements Disposable {
  /** list-panes, captures and option writes, all through the main client. */
  readonly channel: PaneChannel;
  private disposed = false;
  private readonly main: ControlClient;
  private readonly waiter: ControlClient;

  private constructor(main: ControlClient, waiter: ControlClient) {
    this.main = main;
    this.waiter = waiter;
    this.channel = controlChannel(main);
  }

  /** Both clients, or neither. */
  static async open(ctx: HostContext): Promise<ControlLink> {
    const base = ctx.tmux.base();
    const main = await ControlClient.open(ctx.host, base);
    let waiter: ControlClient;
    try {
      waiter = await ControlClient.open(ctx.host, base);
    } catch (e) {
      main.dispose();
      throw e;
    }
    return new ControlLink(main, waiter);
  }

  /**
   * Sets the server-wide hooks and arms the waiter: `relist` on each wake-up and each notification
   * after which the list may differ, `lost` when either client exits.
   */
  async listen(relist: () => void, lost: (e: ControlExit) => void): Promise<void> {
    this.main.onNotification((n) => RELIST.has(n.name) && relist());
    this.main.onExit(lost);
    this.waiter.onExit(lost);
    const signal = `wait-for -S ${WAKE_CHANNEL}`;
    await this.main.runMany([
      [['set-hook', '-g', `after-set-option[${HOOK_INDEX}]`, signal]],
      [['set-hook', '-g', `pane-died[${HOOK_INDEX}]`, signal]],
    ]);
    this.arm(relist);
  }

  /** Sleep in wait-for; the block of the command after it is the wake-up. Re-arm before listing. */
  private arm(wake: () => void): void {
    const w = this.waiter;
    if (this.disposed || !w.alive) return;
    w.run([['wait-for', WAKE_CHANNEL]], 0).catch(() => undefined);
    w.run([['display-message', '-p', 'orchard-wake']], 0).then(
      () => {
        this.arm(wake);
        wake();
      },
      () => undefined,
    );
  }

  dispose(): void {
    this.disposed = true;
    this.main.dispose();
    this.waiter.dispose();
  }
}
