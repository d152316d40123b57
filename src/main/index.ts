// Electron main process: the composition root. Single instance; everything else in orchard-app.ts.
import { app } from 'electron';
import { join } from 'node:path';
import { appHome } from './config-store.ts';
import { OrchardApp } from './orchard-app.ts';

// Before 'ready': the name and the folder decide where userData (and so electron-store) lives.
// userData = the CLI's ORCHARD_HOME, so the app and `orchard` share one config (config-store.ts).
app.setName('Orchard');
// Every renderer sandboxed, whatever a window's own options say.
app.enableSandbox();
app.setPath('userData', appHome());
// Chromium's own files (caches, local storage, GPU cache) in a subfolder, not among Orchard's.
app.setPath('sessionData', join(appHome(), 'chromium'));

if (!app.requestSingleInstanceLock()) {
  // Another Orchard runs: it gets 'second-instance' and comes to the front; this one leaves.
  app.quit();
} else {
  let orchard: OrchardApp | undefined;
  app.on('second-instance', () => orchard?.show());
  app.on('window-all-closed', () => {
    // macOS apps stay in the dock and tray without a window; elsewhere closing the window quits.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => orchard?.show());
  app.on('before-quit', () => {
    orchard?.dispose();
    orchard = undefined;
  });
  app
    .whenReady()
    .then(() => {
      orchard = new OrchardApp(appHome());
      orchard.start();
    })
    .catch((e: unknown) => {
      console.error('[orchard] failed to start:', e);
      app.exit(1);
    });
}
