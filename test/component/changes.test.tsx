// The Changes view against a fake API: the file list, a file's patch on demand, a refresh when the
// agent goes idle, a confirmation that says what will happen, and a refusal shown where the user looks.
import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { act } from 'react';
import { afterEach, expect, test } from 'vitest';
import type { DiffResult } from '../../src/shared/api.ts';
import { OrchardError } from '../../src/shared/errors.ts';
import { setApi } from '../../src/renderer/src/api.ts';
import { ChangesView } from '../../src/renderer/src/changes/ChangesView.tsx';
import { fakeApi, session } from './fake-api.tsx';

const sha = (c: string) => c.repeat(40);
const DIFF: DiffResult = {
  id: 's1',
  branch: 'feat/x',
  base: 'main',
  baseSha: sha('a'),
  mergeBase: sha('a'),
  tree: sha('b'),
  additions: 3,
  deletions: 1,
  files: [
    {
      path: 'a.ts',
      status: 'modified',
      additions: 2,
      deletions: 1,
      binary: false,
      large: false,
      untracked: false,
    },
    {
      path: 'img.png',
      status: 'added',
      additions: 0,
      deletions: 0,
      binary: true,
      large: false,
      untracked: true,
    },
  ],
};
const PATCH =
  'diff --git a/a.ts b/a.ts\nindex 1..2 100644\n--- a/a.ts\n+++ b/a.ts\n@@ -1,2 +1,3 @@\n const a = 1;\n-const b = 2;\n+const b = 3;\n+const c = 4;\n';

afterEach(() => setApi(undefined as never));

test('lists files, shows a patch, refreshes on idle, confirms a merge and shows its refusal', async () => {
  const fake = fakeApi({
    diff: () => DIFF,
    filePatch: (p) => ({
      path: p.path,
      patch: p.path === 'a.ts' ? PATCH : null,
      binary: p.path !== 'a.ts',
      large: false,
    }),
    merge: () => {
      throw new OrchardError(
        'command-failed',
        'merging feat/x into main would conflict in: a.ts (nothing was changed)',
      );
    },
  });
  setApi(fake.api);
  const s = session('s1', 'feat/x', { base: 'main', ahead: 2, behind: 0 });
  render(<ChangesView session={s} onClose={() => {}} />);
  const list = await screen.findByRole('list', { name: 'Changed files' });
  expect(within(list).getAllByRole('listitem')).toHaveLength(2);
  expect(within(list).getByRole('button', { name: /a\.ts/ }).textContent).toMatch(/\+2.*−1/);
  await waitFor(() => expect(document.querySelector('.changes-diff')?.textContent).toContain('const c = 4;'));
  expect(fake.calls('filePatch')[0]).toMatchObject({ mergeBase: sha('a'), tree: sha('b'), path: 'a.ts' });

  const user = userEvent.setup();
  await user.click(within(list).getByRole('button', { name: /img\.png/ }));
  await screen.findByText('Binary file: not shown.');

  // The agent finished a turn: the list is read again.
  expect(fake.calls('diff')).toHaveLength(1);
  act(() => fake.emit('sessionState', { id: 's1', from: 'working', to: 'idle', session: s }));
  await waitFor(() => expect(fake.calls('diff')).toHaveLength(2));

  await user.click(within(screen.getByRole('toolbar')).getByRole('button', { name: 'Merge' }));
  const form = screen.getByRole('form', { name: 'Confirm Merge' });
  expect(form.textContent).toMatch(
    /Merges feat\/x into main .*refused, changing nothing, if it would conflict/,
  );
  expect(fake.calls('merge')).toHaveLength(0);
  await user.click(within(form).getByRole('button', { name: 'Merge now' }));
  expect(await screen.findByRole('alert')).toHaveProperty(
    'textContent',
    'merging feat/x into main would conflict in: a.ts (nothing was changed)',
  );
  expect(fake.calls('merge')[0]).toMatchObject({ id: 's1', mode: 'merge', all: true });
});
