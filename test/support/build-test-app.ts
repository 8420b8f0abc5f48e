import pino from 'pino';
import type { Express } from 'express';
import { createApp, type ReadinessCheck } from '../../src/http';
import { createEventAcceptor } from '../../src/ingress';
import type { IngestQueue } from '../../src/queues';
import { createSenderAuthenticator, type SenderCredentials } from '../../src/security';

export interface TestAppOptions {
  readonly queue: Pick<IngestQueue, 'enqueue'>;
  readonly credentials?: SenderCredentials;
  readonly maxBodyBytes?: number;
  readonly enqueueTimeoutMs?: number;
  readonly readiness?: ReadinessCheck;
  readonly allowedOrigins?: readonly string[];
}

/** The real app with test-sized settings and a silent logger. */
export function buildTestApp(options: TestAppOptions): Express {
  return createApp({
    logger: pino({ level: 'silent' }),
    readiness: options.readiness ?? (async () => ({ ready: true, checks: {} })),
    events: {
      accept: createEventAcceptor({
        queue: options.queue,
        enqueueTimeoutMs: options.enqueueTimeoutMs ?? 1000,
        retryAfterSeconds: 5,
      }),
      authenticator: createSenderAuthenticator(options.credentials ?? { tokens: [], basic: [] }),
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      intentTimeZone: 'Europe/Paris',
      handshake: { allowedOrigins: options.allowedOrigins ?? [], allowedRate: '120' },
    },
  });
}
