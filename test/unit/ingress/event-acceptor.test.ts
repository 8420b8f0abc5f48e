import { createEventAcceptor } from '../../../src/ingress';
import type { CloudEvent } from '../../../src/events';
import { AppError } from '../../../src/errors';
import { InMemoryIngestQueue } from '../../support/in-memory-ingest-queue';
import { makeEvent } from '../../fixtures/make-event';

const event = makeEvent() as CloudEvent;

describe('createEventAcceptor', () => {
  it('reports each event and whether it was a repeat', async () => {
    const queue = new InMemoryIngestQueue();
    const accept = createEventAcceptor({
      queue,
      enqueueTimeoutMs: 1000,
      retryAfterSeconds: 5,
      now: () => new Date(0),
    });
    const result = await accept([event, event], 'batched', 'acme');
    expect(result).toMatchObject({ accepted: 2, duplicates: 1 });
    expect(result.events.map((e) => e.duplicate)).toEqual([false, true]);
    expect(queue.items).toEqual([
      {
        key: result.events[0]?.key,
        tenant: 'acme',
        receivedAt: '1970-01-01T00:00:00.000Z',
        via: 'batched',
        event,
      },
    ]);
  });

  it('turns a failed enqueue into 503 with Retry-After', async () => {
    const queue = new InMemoryIngestQueue();
    queue.failWith = new Error('Connection is closed.');
    const accept = createEventAcceptor({ queue, enqueueTimeoutMs: 1000, retryAfterSeconds: 7 });
    await expect(accept([event], 'structured', 'default')).rejects.toMatchObject({
      status: 503,
      code: 'redis_unavailable',
      headers: { 'Retry-After': '7' },
    });
  });

  it('answers 503 instead of waiting on an enqueue that never confirms', async () => {
    jest.useFakeTimers();
    try {
      const accept = createEventAcceptor({
        queue: { enqueue: () => new Promise(() => undefined) },
        enqueueTimeoutMs: 2000,
        retryAfterSeconds: 5,
      });
      const pending = accept([event], 'structured', 'default');
      const settled = expect(pending).rejects.toBeInstanceOf(AppError);
      await jest.advanceTimersByTimeAsync(2000);
      await settled;
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not report a failure that is not Redis as a Redis outage', async () => {
    const queue = new InMemoryIngestQueue();
    queue.failWith = new RangeError('Maximum call stack size exceeded');
    const accept = createEventAcceptor({ queue, enqueueTimeoutMs: 1000, retryAfterSeconds: 7 });
    await expect(accept([event], 'structured', 'default')).rejects.toBeInstanceOf(RangeError);
  });

  it.each(['Redis connection is reconnecting', "READONLY You can't write against a read only replica."])(
    'answers 503 when Redis says: %s',
    async (message) => {
      const queue = new InMemoryIngestQueue();
      queue.failWith = new Error(message);
      const accept = createEventAcceptor({ queue, enqueueTimeoutMs: 1000, retryAfterSeconds: 7 });
      await expect(accept([event], 'structured', 'default')).rejects.toMatchObject({ status: 503 });
    },
  );
});
