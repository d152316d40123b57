// Keyboard navigation for the ARIA tree (WAI-ARIA tree pattern): the visible items flattened in
// document order, and what a key does to the focused one.

export interface TreeItem {
  id: string;
  parent: string | null;
  expandable: boolean;
  open: boolean;
  activate?: () => void;
}

export type TreeAction =
  | { kind: 'focus'; id: string }
  | { kind: 'toggle'; id: string; open: boolean }
  | { kind: 'activate'; item: TreeItem };

export function treeKeyAction(items: TreeItem[], current: TreeItem, key: string): TreeAction | null {
  const i = items.indexOf(current);
  const focus = (it: TreeItem | undefined): TreeAction | null => (it ? { kind: 'focus', id: it.id } : null);
  switch (key) {
    case 'ArrowDown':
      return focus(items[i + 1]);
    case 'ArrowUp':
      return focus(items[i - 1]);
    case 'Home':
      return focus(items[0]);
    case 'End':
      return focus(items[items.length - 1]);
    case 'ArrowRight':
      if (!current.expandable) return null;
      return current.open ? focus(items[i + 1]) : { kind: 'toggle', id: current.id, open: true };
    case 'ArrowLeft':
      if (current.expandable && current.open) return { kind: 'toggle', id: current.id, open: false };
      return current.parent ? { kind: 'focus', id: current.parent } : null;
    case 'Enter':
    case ' ':
      if (current.activate) return { kind: 'activate', item: current };
      return current.expandable ? { kind: 'toggle', id: current.id, open: !current.open } : null;
    default:
      return null;
  }
}
