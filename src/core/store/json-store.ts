// The config as a JSON file (CLI, tests, browser server and the app alike): read and validated by
// the one schema on every read, so edits by another process show at once; written atomically.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { parseConfig } from './config-schema.ts';
import { defaultConfig, type OrchardConfig, type Store } from './store.ts';

export class JsonFileStore implements Store {
  private queue: Promise<unknown> = Promise.resolve();

  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  static inHome(home: string): JsonFileStore {
    return new JsonFileStore(join(home, 'config.json'));
  }

  async read(): Promise<OrchardConfig> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return defaultConfig();
      throw e;
    }
    return parseConfig(text, this.file);
  }

  update(fn: (c: OrchardConfig) => OrchardConfig | void): Promise<OrchardConfig> {
    // Serialize updates within this process; across processes the atomic rename keeps the file whole.
    const run = this.queue.then(async () => {
      const cur = await this.read();
      const next = fn(cur) ?? cur;
      await writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
      return next;
    });
    this.queue = run.catch(() => {});
    return run;
  }
}
