// Syntax highlighting for the diff viewer: Prism grammars through refractor's core, registered one
// by one (the full set would triple the bundle for languages agents rarely touch).
// The npm package's own entry point, not Orchard's src/core (the layer rule matches the word).
// eslint-disable-next-line no-restricted-imports
import { refractor } from 'refractor/core';
import bash from 'refractor/bash';
import c from 'refractor/c';
import cpp from 'refractor/cpp';
import css from 'refractor/css';
import diff from 'refractor/diff';
import go from 'refractor/go';
import java from 'refractor/java';
import javascript from 'refractor/javascript';
import json from 'refractor/json';
import jsx from 'refractor/jsx';
import markdown from 'refractor/markdown';
import markup from 'refractor/markup';
import python from 'refractor/python';
import ruby from 'refractor/ruby';
import rust from 'refractor/rust';
import sql from 'refractor/sql';
import toml from 'refractor/toml';
import tsx from 'refractor/tsx';
import typescript from 'refractor/typescript';
import yaml from 'refractor/yaml';

for (const lang of [
  markup,
  css,
  javascript,
  jsx,
  typescript,
  tsx,
  json,
  bash,
  c,
  cpp,
  go,
  java,
  python,
  ruby,
  rust,
  sql,
  toml,
  yaml,
  markdown,
  diff,
])
  refractor.register(lang);

const BY_EXT: Record<string, string> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'jsx',
  json: 'json',
  css: 'css',
  html: 'markup',
  xml: 'markup',
  svg: 'markup',
  sh: 'bash',
  bash: 'bash',
  zsh: 'bash',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  hpp: 'cpp',
  go: 'go',
  java: 'java',
  py: 'python',
  rb: 'ruby',
  rs: 'rust',
  sql: 'sql',
  toml: 'toml',
  yml: 'yaml',
  yaml: 'yaml',
  md: 'markdown',
  diff: 'diff',
  patch: 'diff',
};

/** The Prism language for a path, or null (shown plain). */
export function languageOf(path: string): string | null {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (base === 'dockerfile' || base === 'makefile') return 'bash';
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
  return BY_EXT[ext] ?? null;
}

interface Node {
  type: string;
  value?: string;
  properties?: { className?: string[] };
  children?: Node[];
  tagName?: string;
}

/** Split a highlighted tree into one node list per line (a token may span lines: split it too). */
export function splitLines(nodes: Node[]): Node[][] {
  const lines: Node[][] = [[]];
  const walk = (list: Node[], wrap: (n: Node) => Node) => {
    for (const n of list) {
      if (n.type === 'text') {
        const parts = (n.value ?? '').split('\n');
        parts.forEach((p, i) => {
          if (i > 0) lines.push([]);
          if (p) lines[lines.length - 1]!.push(wrap({ type: 'text', value: p }));
        });
      } else if (n.children) {
        const { children, ...shell } = n;
        walk(children, (c) => wrap({ ...shell, children: [c] }));
      }
    }
  };
  walk(nodes, (n) => n);
  return lines;
}

interface Change {
  type: string;
  content: string;
  lineNumber?: number;
  oldLineNumber?: number;
  newLineNumber?: number;
}

/**
 * Tokens for react-diff-view, made in one pass per side: the hunks' lines are placed at their line
 * numbers, highlighted as one text, and split back into lines. (react-diff-view's own tokenize
 * takes seconds on a 5,000-line file; this takes the grammar's time and no more.)
 */
export function highlightHunks(hunks: Array<{ changes: Change[] }>, language: string) {
  const old: string[] = [];
  const neu: string[] = [];
  for (const h of hunks)
    for (const c of h.changes) {
      if (c.type === 'normal') {
        old[c.oldLineNumber! - 1] = c.content;
        neu[c.newLineNumber! - 1] = c.content;
      } else if (c.type === 'delete') old[c.lineNumber! - 1] = c.content;
      else neu[c.lineNumber! - 1] = c.content;
    }
  const side = (lines: string[]) =>
    lines.length
      ? splitLines(
          refractor.highlight(Array.from(lines, (l) => l ?? '').join('\n'), language).children as Node[],
        )
      : [];
  return { old: side(old), new: side(neu) };
}
