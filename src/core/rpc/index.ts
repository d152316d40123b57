// The router: the contract in src/shared/api.ts mapped onto the Engine, transport-agnostic.
// Used by the Electron IPC transport (src/main) and the WebSocket transport (src/cli/web).
//
// How a transport plugs in:
//
//   const monitor = new FleetMonitor(engine).start();                   // one per process: status, stats, soft limits
//   const router = createRouter(engine, { monitor });                  // one per process
//   // for each client (a BrowserWindow's webContents, a WebSocket):
//   const conn = router.connect({
//     id: `ipc:${webContents.id}`,                                      // unique per live client
//     send: (msg) => webContents.send(IPC_CHANNEL, msg),                 // ServerMessage, structured-cloneable
//   });
//   ipcMain.on(IPC_CHANNEL, (e, msg) => {                                // check e.sender / e.senderFrame first
//     if (e.sender.id === webContents.id) void conn.handle(msg);         // or router.handle(peerId, msg)
//   });
//   webContents.once('destroyed', () => conn.dispose());                 // detaches its terminals, drops its subscriptions
//   // a reload (main-frame navigation, render-process-gone) is a new client: dispose conn, connect anew
//   // on quit: router.dispose()
//
// `conn.handle(message)` takes a ClientMessage as an object (IPC) or a JSON string (WebSocket),
// never throws, and answers through `peer.send`: `{t:'res', id, ok, value|error}` for requests,
// `{t:'err', error}` for anything it could not take (nothing changed). Events arrive as
// `{t:'evt', ch, p}`. Session lists and state transitions come from the fleet monitor
// (src/core/status/fleet-monitor.ts: one HostMonitor per host, pushed by tmux control mode) and are
// sent to clients subscribed to `sessionsChanged`/`sessionState` when something a user sees
// changed; stats are sampled while a client subscribes to `stats` (see watch.ts).
export { Connection, type Peer } from './connection.ts';
export { createRouter, Router, type RouterOptions } from './router.ts';
export { connectMonitor } from './watch.ts';
export { FleetMonitor } from '../status/fleet-monitor.ts';
