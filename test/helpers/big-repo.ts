// A repo of many small files, made in one `git fast-import` (well under a second for 3,000 files),
// so a checkout takes long enough for a kill to land in the middle of it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { git } from './env.ts';

export function makeBigRepo(
  parent: string,
  name = 'big',
  files = 3000,
  fileBytes = 600,
  checkout = true,
): string {
  const path = join(parent, name);
  execFileSync('git', ['init', '-q', '-b', 'main', path]);
  const parts: string[] = ['commit refs/heads/main\ncommitter t <t@t> 1700000000 +0000\ndata 5\ninit\n'];
  const pad = 'x'.repeat(fileBytes);
  for (let i = 0; i < files; i++) {
    const body = `file ${i}\n${pad}\n`;
    parts.push(`M 100644 inline d${i % 30}/f${i}.txt\ndata ${Buffer.byteLength(body)}\n${body}\n`);
  }
  execFileSync('git', ['-C', path, 'fast-import', '--quiet'], { input: parts.join('') });
  // Without a checkout the repo's own folder stays small (a disk-full test fits it on a tiny tmpfs).
  if (checkout) git(path, 'reset', '-q', '--hard', 'main');
  return path;
}
