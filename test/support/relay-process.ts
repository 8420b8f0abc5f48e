import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { eventually } from './eventually';
import type { LocalSink } from './local-sink';

export const RELAY_ADMIN_KEY = 'relay-process-admin-key-0001';

/** ce-relay as a real process (`src/main.ts` through tsx), for tests that kill or signal it. */
export interface RelayProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  readonly base: string;
  /** Resolves once `/readyz` answers 200. */
  ready(): Promise<unknown>;
  /**
   * Resolves once the workers route with a new subscription to `sink` (one that takes every
   * type): probe events (source `PROBE_SOURCE`) are posted until one of them reaches it.
   */
  routesTo(sink: LocalSink): Promise<void>;
}

/** The source of `routesTo`'s probe events, for tests to leave them out of what they count. */
export const PROBE_SOURCE = '/probe/routing';

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
  const probed = (sink: LocalSink) => sink.deliveries.some((r) => r.body.includes(PROBE_SOURCE));
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
    async routesTo(sink) {
      for (let n = 0; !probed(sink); n++) {
        if (n === 100) throw new Error('no probe event reached the sink');
        const probe = { specversion: '1.0', id: `probe-${n}`, source: PROBE_SOURCE, type: 'probe.routing' };
        const posted = await request(base)
          .post('/events')
          .set('content-type', 'application/cloudevents+json')
          .send(JSON.stringify(probe));
        if (posted.status !== 202) throw new Error(`a probe event was answered ${posted.status}`);
        // Either this probe arrives (the subscription was routed to) or the next one is posted.
        await eventually(() => probed(sink), Boolean, 300);
      }
    },
  };
}
