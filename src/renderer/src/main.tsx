// Renderer entry: the same code runs in Electron (preload bridge) and in a browser (`orchard web`);
// ./api.ts picks the transport.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/widgets.css';
import './styles/tree.css';
import './styles/tabs.css';
import './styles/panels.css';
import './styles/revive.css';
import { api } from './api.ts';
import { App } from './App.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={api} />
  </StrictMode>,
);
