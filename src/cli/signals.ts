// A critical section the user cannot cut in half: SIGINT (Ctrl-C), SIGTERM and SIGHUP (terminal
// closed) are held while it runs and turned into an abort, so the engine undoes what it made and
// the process exits with the error, instead of dying between `git worktree add` and tmux.
export async function shielded<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const on = (sig: NodeJS.Signals): void => {
    if (!ac.signal.aborted) ac.abort(sig);
  };
  for (const s of signals) process.on(s, on);
  try {
    return await run(ac.signal);
  } finally {
    for (const s of signals) process.off(s, on);
  }
}
