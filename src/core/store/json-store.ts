import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OrchardError } from '../../shared/errors.ts';
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
    try {
      const parsed = JSON.parse(text) as Partial<OrchardConfig>;
      const base = defaultConfig();
      return {
        version: 1,
        repos: Array.isArray(parsed.repos) ? parsed.repos : base.repos,
        hosts: Array.isArray(parsed.hosts) ? parsed.hosts : base.hosts,
        profiles: Array.isArray(parsed.profiles) ? parsed.profiles : base.profiles,
        preferences: { ...base.preferences, ...(parsed.preferences ?? {}) },
        ...(Array.isArray(parsed.trustedHostKeys) ? { trustedHostKeys: parsed.trustedHostKeys } : {}),
      };
    } catch {
      throw new OrchardError('internal', `config file ${this.file} is not valid JSON; fix or remove it`);
    }
  }

  update(fn: (c: OrchardConfig) => OrchardConfig | void): Promise<OrchardConfig> {
    // Serialize updates within this process; across processes the atomic rename keeps the file whole.
    const run = this.queue.then(async () => {
      const cur = await this.read();
      const next = fn(cur) ?? cur;
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
      await rename(tmp, this.file);
      return next;
    });
    this.queue = run.catch(() => {});
    return run;
  }
}
