// The resource dashboard is owned by src/renderer/src/dashboard/ (another piece of work). It is
// mounted when that folder has an index.tsx exporting `Dashboard` (or a default component); it
// gets the api, the sessions and a way to open a session's tab (it may ignore them and import
// ../api.ts itself). Until then this says so instead of failing the build.
import type { ComponentType } from 'react';
import type { OrchardApi } from '../../../shared/api.ts';
import type { SessionInfo } from '../../../shared/model.ts';

export interface DashboardProps {
  api: OrchardApi;
  sessions: SessionInfo[];
  onOpenSession: (id: string) => void;
}

type DashboardModule = { Dashboard?: ComponentType<DashboardProps>; default?: ComponentType<DashboardProps> };

const found = import.meta.glob<DashboardModule>('../dashboard/index.tsx', { eager: true });
const mod = Object.values(found)[0];
const Dashboard = mod?.Dashboard ?? mod?.default;

export function DashboardSlot(props: DashboardProps) {
  if (Dashboard) return <Dashboard {...props} />;
  return (
    <div className="empty">
      <p>The resource dashboard is not available yet.</p>
      <p className="muted">
        Use <code>orchard stats</code> in a terminal meanwhile.
      </p>
    </div>
  );
}
