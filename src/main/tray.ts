// The tray icon: its image follows the fleet (idle / working / waiting), the waiting count shows in
// the tooltip and beside the icon (macOS), and its menu lists the waiting sessions. The mapping from
// sessions to all that is src/shared/fleet.ts; this file only renders it.
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { ApprovalDecision } from '../shared/approve.ts';
import type { SessionInfo } from '../shared/model.ts';
import type { Disposable } from '../core/util/lifecycle.ts';
import { fleetView, sessionLabel, type FleetState, type FleetView } from '../shared/fleet.ts';

export interface TrayActions {
  show(): void;
  openSession(id: string): void;
  quit(): void;
  /** Answer a permission question (the `approve` request), for the request the menu showed. */
  approve?(id: string, decision: ApprovalDecision, expect: string): void;
}

/** A waiting session's entry: a plain item, or (waiting for permission) Open / Approve / Deny. */
function waitingItem(s: SessionInfo, actions: TrayActions): MenuItemConstructorOptions {
  const approve = actions.approve;
  if (!approve || s.reason !== 'permission')
    return { label: sessionLabel(s), click: () => actions.openSession(s.id) };
  const expect = s.detail ?? '';
  return {
    label: sessionLabel(s),
    submenu: [
      { label: 'Open', click: () => actions.openSession(s.id) },
      { label: `Approve${expect ? `: ${expect}` : ''}`, click: () => approve(s.id, 'yes', expect) },
      { label: 'Deny', click: () => approve(s.id, 'no', expect) },
    ],
  };
}

/** resources/tray/<state>.png (Electron picks <state>@2x.png on HiDPI screens by itself). */
export function trayImagePath(resources: string, state: FleetState): string {
  return join(resources, 'tray', `${state}.png`);
}

export function trayMenuTemplate(view: FleetView, actions: TrayActions): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [];
  if (view.waiting.length) {
    items.push({ label: `Waiting (${view.waiting.length})`, enabled: false });
    for (const s of view.waiting.slice(0, 20)) items.push(waitingItem(s, actions));
    if (view.waiting.length > 20)
      items.push({ label: `…and ${view.waiting.length - 20} more`, enabled: false });
    items.push({ type: 'separator' });
  } else {
    items.push({ label: 'No session is waiting', enabled: false }, { type: 'separator' });
  }
  items.push({ label: 'Show Orchard', click: () => actions.show() });
  items.push({ label: 'Quit (agents keep running)', click: () => actions.quit() });
  return items;
}

export class FleetTray implements Disposable {
  private readonly tray: Tray;
  private readonly resources: string;
  private readonly actions: TrayActions;
  private shown: { image: FleetState; menu: string } | undefined;

  constructor(resources: string, actions: TrayActions) {
    this.resources = resources;
    this.actions = actions;
    this.tray = new Tray(nativeImage.createFromPath(trayImagePath(resources, 'idle')));
    this.tray.on('click', () => actions.show());
    this.update([]);
  }

  update(sessions: SessionInfo[]): FleetView {
    const view = fleetView(sessions);
    if (this.shown?.image !== view.image)
      this.tray.setImage(nativeImage.createFromPath(trayImagePath(this.resources, view.image)));
    this.tray.setToolTip(view.tooltip);
    if (process.platform === 'darwin') this.tray.setTitle(view.title);
    // Rebuilding a native menu every poll is wasteful; only when what it lists changed.
    const menuKey = JSON.stringify(view.waiting.map((s) => [s.id, sessionLabel(s), s.reason, s.detail]));
    if (this.shown?.menu !== menuKey)
      this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(view, this.actions)));
    this.shown = { image: view.image, menu: menuKey };
    return view;
  }

  dispose(): void {
    this.tray.destroy();
  }
}
