// A card's "select" checkbox (Sessions): feeds the batch bar's Approve all / Send to selected.
import type { SessionInfo } from '../../../shared/model.ts';
import { selection, useSelection } from './selection.ts';

export function SelectBox({ session: s }: { session: SessionInfo }) {
  const sel = useSelection();
  return (
    <input
      type="checkbox"
      className="card-select"
      aria-label={`Select ${s.branch}`}
      checked={sel.has(s.id)}
      onChange={(e) => selection.toggle(s.id, e.target.checked)}
    />
  );
}
