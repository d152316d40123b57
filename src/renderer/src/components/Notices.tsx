// Errors the user must see (a spawn that failed, a lost request), until dismissed.
import type { Notice } from '../state/store.ts';
import { CloseIcon } from './icons.tsx';

export function Notices({ errors, onDismiss }: { errors: Notice[]; onDismiss: (id: number) => void }) {
  if (errors.length === 0) return null;
  return (
    <div className="notices">
      {errors.map((e) => (
        <div key={e.id} role="alert" className="notice error">
          <span className="notice-icon" aria-hidden="true">
            !
          </span>
          <span className="notice-text">{e.message}</span>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => onDismiss(e.id)}>
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
