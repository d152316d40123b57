// Terminal colours for both app themes. The light one keeps ANSI colours dark enough to read on
// white (agents print a lot of yellow and cyan).
import type { ITheme } from '@xterm/xterm';
import type { Theme } from '../state/prefs.ts';

const dark: ITheme = {
  background: '#0d1014',
  foreground: '#d6dae1',
  cursor: '#e6e9ee',
  cursorAccent: '#0d1014',
  selectionBackground: '#2f4a6d',
  black: '#1c2128',
  red: '#f2716f',
  green: '#6bcf8a',
  yellow: '#e8c16b',
  blue: '#6aa8ff',
  magenta: '#c792ea',
  cyan: '#5cc9d6',
  white: '#c9ced6',
  brightBlack: '#5c6673',
  brightRed: '#ff8f8c',
  brightGreen: '#8ee6a7',
  brightYellow: '#f5d58c',
  brightBlue: '#8dbcff',
  brightMagenta: '#dbb0f5',
  brightCyan: '#82dde7',
  brightWhite: '#f2f4f7',
};

const light: ITheme = {
  background: '#fbfbfc',
  foreground: '#1f2329',
  cursor: '#1f2329',
  cursorAccent: '#fbfbfc',
  selectionBackground: '#b9d4f7',
  black: '#1f2329',
  red: '#c4302b',
  green: '#2a7d3f',
  yellow: '#8a6100',
  blue: '#1f5fbf',
  magenta: '#8e3fa8',
  cyan: '#0f7282',
  white: '#6b7380',
  brightBlack: '#5a626e',
  brightRed: '#d8473f',
  brightGreen: '#2f8f47',
  brightYellow: '#9c6f00',
  brightBlue: '#2a6fd6',
  brightMagenta: '#9f4fbb',
  brightCyan: '#137f90',
  brightWhite: '#3a414b',
};

export function terminalTheme(t: Theme): ITheme {
  return t === 'light' ? light : dark;
}

export const TERMINAL_FONT =
  '"JetBrains Mono", "Cascadia Mono", "SF Mono", Menlo, "DejaVu Sans Mono", "Liberation Mono", monospace';
