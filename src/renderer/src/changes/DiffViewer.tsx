// One file's unified patch, rendered by react-diff-view (unified or side by side). The diff shows
// at once, plain; Prism highlighting (refractor) follows a frame later and is swapped in, so a
// 5,000-line file is readable before its grammar has run. Switching the layout re-highlights nothing.
import { useEffect, useMemo, useState } from 'react';
import { Diff, Hunk, parseDiff, type HunkTokens } from 'react-diff-view';
import 'react-diff-view/style/index.css';
import { highlightHunks, languageOf } from './highlight.ts';

export type ViewType = 'unified' | 'split';

/** Above this many lines, highlighting is skipped: the diff stays readable and quick. */
const HIGHLIGHT_MAX_LINES = 20_000;

export function DiffViewer({ patch, path, viewType }: { patch: string; path: string; viewType: ViewType }) {
  const file = useMemo(() => parseDiff(patch, { nearbySequences: 'zip' })[0], [patch]);
  const [tokens, setTokens] = useState<HunkTokens | undefined>(undefined);
  useEffect(() => {
    setTokens(undefined);
    const language = languageOf(path);
    if (!file || !language) return;
    if (file.hunks.reduce((n, h) => n + h.changes.length, 0) > HIGHLIGHT_MAX_LINES) return;
    let live = true;
    // After the plain diff is painted.
    const frame = requestAnimationFrame(() =>
      setTimeout(() => {
        if (!live) return;
        try {
          setTokens(highlightHunks(file.hunks, language) as unknown as HunkTokens);
        } catch {
          // a grammar that trips on a fragment: the diff stays plain
        }
      }, 0),
    );
    return () => {
      live = false;
      cancelAnimationFrame(frame);
    };
  }, [file, path]);
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
