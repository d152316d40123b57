// A dialog's submit: busy while the request runs, its error shown (and the dialog kept open) when it
// fails, `onDone` when it worked. The one implementation the dialogs share.
import { useState } from 'react';

export function useSubmit<A extends unknown[]>(
  run: (...args: A) => Promise<unknown>,
  onDone: () => void,
  onError?: (e: unknown) => void,
) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      await run(...args);
      onDone();
    } catch (e) {
      onError?.(e);
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}
