// The resource dashboard is owned by src/renderer/src/dashboard/ (another piece of work). It is
// picked up when that folder has an index.tsx exporting `Dashboard` (or a default component);
// until then this says so instead of failing the build.
import type { ComponentType } from 'react';

type DashboardModule = { Dashboard?: ComponentType; default?: ComponentType };

const found = import.meta.glob<DashboardModule>('../dashboard/index.tsx', { eager: true });
const mod = Object.values(found)[0];
const Dashboard = mod?.Dashboard ?? mod?.default;

export function DashboardSlot() {
  if (Dashboard) return <Dashboard />;
  return (
    <div className="empty">
      <p>The resource dashboard is not available yet.</p>
      <p className="muted">
        Use <code>orchard stats</code> in a terminal meanwhile.
      </p>
    </div>
  );
}
