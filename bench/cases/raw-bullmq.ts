import { Queue, Worker } from 'bullmq';
import type { BenchRedis } from '../support/processes';

/**
 * The ceiling of a BullMQ pipeline on this Redis: `jobs` no-op jobs added with `addBulk` (in
 * chunks of 1,000) and taken by one worker (concurrency 50), timed from the first add to the
 * last completion. Answers jobs/s (one run; the queue is removed after it).
 */
export async function benchRawBullmq(redis: BenchRedis, jobs: number): Promise<number> {
  const prefix = '{bench-raw}';
  const queue = new Queue('raw', { connection: redis.client, prefix });
  let done = 0;
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const workerConnection = redis.client.duplicate();
  const worker = new Worker('raw', () => Promise.resolve(), {
    connection: workerConnection,
    prefix,
    concurrency: 50,
    removeOnComplete: { count: 0 },
  });
  worker.on('completed', () => {
    if (++done === jobs) finished();
  });
  await worker.waitUntilReady();
  const started = process.hrtime.bigint();
  for (let i = 0; i < jobs; i += 1000) {
    const size = Math.min(1000, jobs - i);
    await queue.addBulk(Array.from({ length: size }, (_, j) => ({ name: 'noop', data: { n: i + j } })));
  }
  await allDone;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await worker.close();
  workerConnection.disconnect();
  await queue.obliterate({ force: true });
  await queue.close();
  return jobs / seconds;
}
