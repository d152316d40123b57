// `npm run bench`: every scenario with its raw baseline in the same run; prints a table and writes
// it as JSON under bench/results/ (not committed). `npm run bench -- spawn scale` runs a subset.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printTable, ROOT, type Row } from './lib.ts';
import { scaleScenario } from './scenarios/scale.ts';
import { spawnScenario } from './scenarios/spawn.ts';
import { echoLocalScenario } from './scenarios/echo-local.ts';
import { browserScenario } from './scenarios/browser.ts';
import { echoSshScenario } from './scenarios/echo-ssh.ts';
import { forwardScenario } from './scenarios/forward.ts';
import { diffScenario } from './scenarios/diff.ts';
import { diffWindowScenario } from './scenarios/diff-window.ts';
import { fleetScenario } from './scenarios/fleet.ts';

const SCENARIOS: Record<string, () => Promise<Row[]>> = {
  echo: echoLocalScenario,
  ssh: echoSshScenario,
  browser: browserScenario,
  scale: scaleScenario,
  spawn: spawnScenario,
  forward: forwardScenario,
  diff: async () => [...(await diffScenario()), ...(await diffWindowScenario())],
  fleet: fleetScenario,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(SCENARIOS);
const rows: Row[] = [];
for (const name of names) {
  const fn = SCENARIOS[name];
  if (!fn) {
    console.error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    process.exit(2);
  }
  process.stderr.write(`bench: ${name}...\n`);
  try {
    rows.push(...(await fn()));
  } catch (e) {
    rows.push({
      scenario: name,
      metric: 'FAILED',
      orchard: NaN,
      baseline: null,
      unit: '',
      target: '',
      ok: false,
      note: String(e),
    });
  }
}
console.log(printTable(rows));
const dir = join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n',
);
console.log(`\nwritten: ${file}`);
process.exit(rows.some((r) => r.metric === 'FAILED') ? 1 : 0);
