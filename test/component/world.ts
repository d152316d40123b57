// A small fleet for the component tests: two hosts, two repos, a few branches, one session.
import { OrchardError } from '../../src/shared/errors.ts';
import { branch, fakeApi, session, type Handlers } from './fake-api.tsx';

export function world(overrides: Handlers = {}) {
  const s1 = session('a1', 'feat/login', {
    state: 'waiting',
    reason: 'permission',
    detail: 'Edit notes.txt',
  });
  return fakeApi({
    listHosts: () => [
      { name: 'local', kind: 'local' },
      { name: 'devbox', kind: 'ssh', address: 'me@devbox:22' },
    ],
    listRepos: () => [
      { name: 'web', host: 'local', path: '/src/web' },
      { name: 'svc', host: 'devbox', path: '/home/me/svc' },
    ],
    listSessions: () => [s1],
    profiles: () => ({
      defaultAgent: 'fake',
      profiles: [
        { id: 'fake', label: 'Fake Claude', kind: 'claude', command: ['fake'] },
        { id: 'codex', label: 'Codex', kind: 'codex', command: ['codex'] },
      ],
    }),
    branches: ({ repo }) => {
      if (repo === 'web')
        return [
          branch('main', { worktree: '/src/web' }),
          branch('feat/login', { worktree: '/src/web.worktrees/feat-login', sessionId: 'a1' }),
          branch('fix/typo'),
          branch('origin/main', { kind: 'remote' }),
        ];
      if (repo === 'svc') return [branch('main', { worktree: '/home/me/svc' }), branch('perf')];
      throw new OrchardError('repo-not-found', `not a registered repo: ${repo}`);
    },
    ...overrides,
  });
}
