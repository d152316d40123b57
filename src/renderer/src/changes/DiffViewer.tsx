// One file's unified patch, rendered by react-diff-view (unified or side by side) with Prism
// highlighting of the changed hunks. Parsing and tokenizing are memoised per patch: switching the
// view type re-renders without re-highlighting.
import { useMemo } from 'react';
import { Diff, Hunk, parseDiff, tokenize, type HunkData, type TokenizeOptions } from 'react-diff-view';
import 'react-diff-view/style/index.css';
import { languageOf, refractor } from './highlight.ts';

export type ViewType = 'unified' | 'split';

/** Above this many changed lines, highlighting is skipped: the diff stays readable and quick. */
const HIGHLIGHT_MAX_LINES = 20_000;

function tokensFor(hunks: HunkData[], path: string) {
  const language = languageOf(path);
  const lines = hunks.reduce((n, h) => n + h.changes.length, 0);
  if (!language || lines > HIGHLIGHT_MAX_LINES) return undefined;
  try {
    const opts: TokenizeOptions = { highlight: true, refractor, language };
    return tokenize(hunks, opts);
  } catch {
    return undefined; // a grammar that trips on a fragment: show it plain
  }
}

export function DiffViewer({ patch, path, viewType }: { patch: string; path: string; viewType: ViewType }) {
  const file = useMemo(() => parseDiff(patch, { nearbySequences: 'zip' })[0], [patch]);
  const tokens = useMemo(() => (file ? tokensFor(file.hunks, path) : undefined), [file, path]);
  if (!file || file.hunks.length === 0)
    return <p className="changes-note">No line changes (a rename, a mode change or an empty file).</p>;
  return (
    <Diff
      viewType={viewType}
      diffType={file.type}
      hunks={file.hunks}
      tokens={tokens}
      className="changes-diff"
    >
      {(hunks) => hunks.map((h) => <Hunk key={h.content} hunk={h} />)}
    </Diff>
  );
}
