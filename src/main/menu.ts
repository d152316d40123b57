// The application menu: the platform's usual roles plus Orchard's own commands.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newSession(): void;
  showDashboard(): void;
  stopAllSessions(): void;
}

export function appMenuTemplate(
  actions: MenuActions,
  platform: NodeJS.Platform = process.platform,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const orchard: MenuItemConstructorOptions = {
    label: mac ? 'Session' : 'Orchard',
    submenu: [
      { label: 'New Session…', accelerator: 'CmdOrCtrl+N', click: () => actions.newSession() },
      { label: 'Show Dashboard', accelerator: 'CmdOrCtrl+Shift+D', click: () => actions.showDashboard() },
      { type: 'separator' },
      { label: 'Stop All Sessions…', click: () => actions.stopAllSessions() },
      ...(mac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
    ],
  };
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    orchard,
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
}
