// The left column: filter box, the hosts → repos → branches tree, and the add buttons.
import { useState } from 'react';
import { BranchTree, type BranchTreeProps } from './BranchTree.tsx';
import { AddServerIcon, PlusIcon, RefreshIcon } from './icons.tsx';

export type SidebarProps = Omit<BranchTreeProps, 'filter'> & {
  onAddHost: () => void;
  onRefresh: () => void;
  width?: number;
};

export function Sidebar(p: SidebarProps) {
  const [filter, setFilter] = useState('');
  return (
    <nav className="sidebar" aria-label="Repositories" style={p.width ? { width: p.width } : undefined}>
      <div className="sidebar-head">
        <span className="section-title">Repositories</span>
        <span className="spacer" />
        <button
          type="button"
          className="icon-btn"
          aria-label="Refresh"
          title="Refresh branches"
          onClick={p.onRefresh}
        >
          <RefreshIcon />
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label="Add repository"
          title="Add repository"
          onClick={() => p.onAddRepo('local')}
        >
          <PlusIcon />
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label="Add host"
          title="Add SSH host"
          onClick={p.onAddHost}
        >
          <AddServerIcon />
        </button>
      </div>
      <div className="filter">
        <input
          type="search"
          placeholder="Filter branches"
          aria-label="Filter branches"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setFilter('');
          }}
        />
      </div>
      <div className="tree-scroll">
        <BranchTree {...p} filter={filter} />
      </div>
      <p className="sidebar-hint">Drag a branch onto the tab bar to start an agent on it.</p>
    </nav>
  );
}
