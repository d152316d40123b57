// Find in the terminal's scrollback (Ctrl/Cmd+Shift+F): Enter next, Shift+Enter previous, Esc closes.
import { useEffect, useRef, useState } from 'react';
import type { SearchAddon } from '@xterm/addon-search';
import { CloseIcon, SearchDownIcon, SearchUpIcon } from '../components/icons.tsx';

const DECORATIONS = {
  matchBackground: '#5a4a12',
  matchOverviewRuler: '#e8c16b',
  activeMatchBackground: '#b7791f',
  activeMatchColorOverviewRuler: '#f5d58c',
};

export function SearchBar({ search, onClose }: { search: SearchAddon; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<{ index: number; count: number } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
    const sub = search.onDidChangeResults((r) => setResult({ index: r.resultIndex, count: r.resultCount }));
    return () => {
      sub.dispose();
      search.clearDecorations();
    };
  }, [search]);

  const find = (q: string, back = false) => {
    if (!q) {
      search.clearDecorations();
      setResult(null);
      return;
    }
    const opts = { decorations: DECORATIONS, incremental: !back };
    if (back) search.findPrevious(q, opts);
    else search.findNext(q, opts);
  };

  return (
    <div className="searchbar" role="search">
      <input
        ref={input}
        type="search"
        aria-label="Find in terminal"
        placeholder="Find"
        value={query}
        spellCheck={false}
        onChange={(e) => {
          setQuery(e.target.value);
          find(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            find(query, e.shiftKey);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
        }}
      />
      <span className="muted small search-count" aria-live="polite">
        {query && result ? (result.count ? `${result.index + 1} of ${result.count}` : 'No results') : ''}
      </span>
      <button
        type="button"
        className="icon-btn"
        aria-label="Previous match"
        onClick={() => find(query, true)}
      >
        <SearchUpIcon />
      </button>
      <button type="button" className="icon-btn" aria-label="Next match" onClick={() => find(query)}>
        <SearchDownIcon />
      </button>
      <button type="button" className="icon-btn" aria-label="Close search" onClick={onClose}>
        <CloseIcon />
      </button>
    </div>
  );
}
