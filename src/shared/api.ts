// The one contract between a front end (renderer, browser) and the engine. Declared once here;
// the preload bridge, the Electron IPC transport, the WebSocket transport, the router in
// src/core/rpc and the renderer client (src/renderer/src/api.ts) are all typed from it, and the
// runtime allow-lists (api/channels.ts) are what each side checks channel names against.
// Model: VS Code IPtyService (src/vs/platform/terminal/common/terminal.ts).
//
// Three kinds of channels:
//  - requests: request/response; the reply is a value or an ErrorValue (never a thrown stack).
//  - sends: fire-and-forget from the client (terminal input, resize, acks, detach, subscriptions).
//  - events: pushed by the server. `sessionsChanged`, `sessionState` and `stats` are pushed only to
//    clients that subscribed (the client module does that for you when you call `on`); terminal
//    events go to the client that attached the terminal.
//
// Terminals: the client picks a terminal id (`term`, unique per client, [A-Za-z0-9_.:-]{1,64}),
// registers its listeners, then requests `attach`. Output arrives as `terminalData` batched ~5 ms;
// once xterm has parsed a chunk (the `term.write(data, callback)` callback), the client sends
// `terminalAck` with the number of chars parsed (acks may be grouped up to FLOW.ackSize chars). The
// server pauses the pty above FLOW.highWatermark unacknowledged chars and resumes below
// FLOW.lowWatermark. `detach` (or the client going away) closes that pty; the agent keeps running
// in tmux. Several clients may attach to one session at once.
//
// The contract is split by concern under ./api/; this file re-exports all of it, so importers keep
// importing from src/shared/api.ts.

// Hosts, limits and key passphrases: their payloads live in hosts.ts.
export type * from './hosts.ts';
// Headless sessions' events.
export type * from './headless.ts';

export * from './api/maps.ts';
export * from './api/channels.ts';
export * from './api/repos.ts';
export * from './api/sessions.ts';
export * from './api/terminals.ts';
export * from './api/stats.ts';
export * from './api/ports.ts';
export * from './api/review.ts';
export * from './api/wire.ts';
