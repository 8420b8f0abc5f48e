import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { cpuMicros, startScript, stop, type BenchRedis } from '../support/processes';
import { median, repeat } from '../support/stats';

/** What one round trip between two processes costs this machine, in microseconds. */
export interface RoundTrip {
  readonly wall: number;
  /** CPU time of the side that sends and waits, and of the side that answers. */
  readonly senderCpu: number;
  readonly answerCpu: number;
}

export interface RoundTripFigures {
  /** To an echo server in another Node process. */
  readonly node: RoundTrip;
  /** A `PING` to the bench's Redis (idle), through ioredis. */
  readonly redis: RoundTrip;
}

const MESSAGE = Buffer.alloc(100, 'x');

/** Sends `trips` messages one at a time, each after the echo of the one before. */
function pingPong(socket: Socket, trips: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let received = 0;
    const next = () => {
      if (sent === trips) {
        socket.off('data', onData).off('error', reject);
        resolve();
        return;
      }
      sent++;
      socket.write(MESSAGE);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received === sent * MESSAGE.length) next();
    };
    socket.on('data', onData);
    socket.on('error', reject);
    next();
  });
}

/** Times `trips` round trips, one after the other, `runs` times: the medians per round trip. */
async function timeTrips(
  runs: number,
  trips: number,
  answerPid: number | undefined,
  trip: (count: number) => Promise<void>,
): Promise<RoundTrip> {
  await trip(Math.min(1_000, trips)); // warm-up
  const measured = await repeat(runs, async () => {
    const cpu = process.cpuUsage();
    const answerCpu = cpuMicros(answerPid);
    const started = process.hrtime.bigint();
    await trip(trips);
    const wall = Number(process.hrtime.bigint() - started) / 1e3;
    const used = process.cpuUsage(cpu);
    return {
      wall: wall / trips,
      senderCpu: (used.user + used.system) / trips,
      answerCpu: (cpuMicros(answerPid) - answerCpu) / trips,
    };
  });
  return {
    wall: median(measured.map((r) => r.wall)),
    senderCpu: median(measured.map((r) => r.senderCpu)),
    answerCpu: median(measured.map((r) => r.answerCpu)),
  };
}

/**
 * The machine's price of crossing processes, which every stage of the pipeline pays (each step
 * wakes Redis, the worker or the sink), to compare one run's machine with another's beside the
 * baselines: a Node process sends 100 bytes over loopback TCP to an echo server in another Node
 * process and waits for them, `trips` times one after the other; then as many `PING`s to the
 * bench's Redis, before any other part of the bench runs.
 */
export async function benchRoundTrip(
  redis: BenchRedis,
  options: { runs: number; trips: number },
): Promise<RoundTripFigures> {
  const { port, child: echo } = await startScript('echo-server.js');
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  try {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    let node: RoundTrip;
    try {
      node = await timeTrips(options.runs, options.trips, echo.pid, (count) => pingPong(socket, count));
    } finally {
      socket.destroy();
    }
    const toRedis = await timeTrips(options.runs, options.trips, redis.pid, async (count) => {
      for (let i = 0; i < count; i++) await client.ping();
    });
    return { node, redis: toRedis };
  } finally {
    client.disconnect();
    await stop(echo);
  }
}
