// Preload: exposes exactly the contract (src/shared/api.ts) through contextBridge. Filled in with the contract.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('orchard', { version: 1 });
