// Change a running session's memory / CPU limits from the dashboard: the `setLimits` request, the
// same Engine method as `orchard limit`. Values are read as the CLI reads them ("4G", "150%").
import { useState } from 'react';
import type { OrchardApi } from '../../../shared/api.ts';
import type { SessionLimits } from '../../../shared/model.ts';
import { describeLimits, formatBytes, parseCpu, parseMemory } from '../../../shared/units.ts';

export interface LimitsFormProps {
  api: Pick<OrchardApi, 'request'>;
  id: string;
  label: string;
  limits: SessionLimits | null;
}

export function LimitsForm({ api, id, label, limits }: LimitsFormProps) {
  // Mounted per session (key = id): a pushed sample must not overwrite what the user types.
  const [memory, setMemory] = useState(limits?.memory ? formatBytes(limits.memory) : '');
  const [cpu, setCpu] = useState(limits?.cpu ? `${limits.cpu}%` : '');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);

  const apply = async () => {
    setNote(null);
    let wanted: { memory?: number; cpu?: number };
    try {
      wanted = {
        ...(memory.trim() ? { memory: parseMemory(memory) } : {}),
        ...(cpu.trim() ? { cpu: parseCpu(cpu) } : {}),
      };
    } catch (e) {
      return setNote({ error: true, text: e instanceof Error ? e.message : String(e) });
    }
    if (!wanted.memory && !wanted.cpu)
      return setNote({ error: true, text: 'Give a memory limit (e.g. 4G) and/or a CPU limit (e.g. 150%).' });
    setBusy(true);
    try {
      const r = await api.request('setLimits', { id, limits: wanted });
      const now = describeLimits({
        ...(r.memory ? { memory: r.memory } : {}),
        ...(r.cpu ? { cpu: r.cpu } : {}),
      });
      const soft = r.backend === 'soft' ? ' (soft: watched and stopped by Orchard)' : '';
      setNote({ error: false, text: `Now ${now} via ${r.backend}${soft}.` });
    } catch (e) {
      setNote({ error: true, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="dash-limits"
      aria-label={`Limits of ${label}`}
      onSubmit={(e) => {
        e.preventDefault();
        void apply();
      }}
    >
      <label>
        Memory limit
        <input value={memory} onChange={(e) => setMemory(e.target.value)} placeholder="4G" disabled={busy} />
      </label>
      <label>
        CPU limit
        <input value={cpu} onChange={(e) => setCpu(e.target.value)} placeholder="150%" disabled={busy} />
      </label>
      <button type="submit" className="btn" disabled={busy}>
        {busy ? 'Applying…' : 'Apply limits'}
      </button>
      {note && (
        <span role={note.error ? 'alert' : 'status'} className={note.error ? 'error-text' : 'muted'}>
          {note.text}
        </span>
      )}
    </form>
  );
}
