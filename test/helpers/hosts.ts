// The host matrix: the engine's integration suite runs once per entry, with the same assertions.
import { makeEnv, type TestEnv } from './env.ts';
import { makeSshd, makeSshEnv } from './sshd.ts';

export interface HostSetup {
  env: TestEnv;
  /** The host name sessions report (`local`, or the SSH host's name). */
  hostName: string;
  /** How a user names a repo at `path` on this host (a path locally, host:path remotely). */
  repoRef(path: string): string;
  teardown(): Promise<void>;
}

export interface HostKind {
  name: string;
  setup(): Promise<HostSetup>;
}

const local: HostKind = {
  name: 'local',
  async setup() {
    const env = await makeEnv();
    return { env, hostName: 'local', repoRef: (p) => p, teardown: async () => env.cleanup() };
  },
};

// A real OpenSSH sshd on 127.0.0.1 (this machine, this user), its own tmux socket on the "remote".
const ssh: HostKind = {
  name: 'ssh',
  async setup() {
    const sshd = await makeSshd();
    const e = await makeSshEnv(sshd).catch(async (err: unknown) => {
      await sshd.cleanup();
      throw err;
    });
    return {
      env: e.env,
      hostName: e.hostName,
      repoRef: e.repoRef,
      teardown: async () => {
        await e.teardown();
        await sshd.cleanup();
      },
    };
  },
};

export function hostKinds(): HostKind[] {
  return [local, ssh];
}
