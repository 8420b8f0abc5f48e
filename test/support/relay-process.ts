import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { eventually } from './eventually';

export const RELAY_ADMIN_KEY = 'relay-process-admin-key-0001';

/** ce-relay as a real process (`src/main.ts` through tsx), for tests that kill or signal it. */
export interface RelayProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  readonly base: string;
  /** Resolves once `/readyz` answers 200. */
  ready(): Promise<unknown>;
}

export function startRelayProcess(port: number, env: Record<string, string>): RelayProcess {
  // tsx as a loader of this very process (not tsx's CLI, which runs the program in a child of
  // its own): a signal sent to `child` reaches ce-relay itself.
  const root = path.join(__dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ADMIN_API_KEY: RELAY_ADMIN_KEY,
      ALLOW_SINK_CIDRS: '127.0.0.0/8',
      ...env,
    },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    base,
    ready: () =>
      eventually(
        () =>
          request(base)
            .get('/readyz')
            .catch(() => ({ status: 0 })),
        (res) => res.status === 200,
        15_000,
        100,
      ),
  };
}
