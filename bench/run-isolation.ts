/**
 * `npm run bench:isolation [-- --seconds=60] [-- --rate=100]`: how much one slow subscriber
 * costs the others. The same load twice in one run, with and without a slow subscription: how late
 * a failing subscription's retries start, and Redis commands per second. Not part of CI.
 */
import { benchIsolation, type IsolationFigures } from './cases/isolation';
import { startBenchRedis } from './support/processes';
import { fmt } from './support/stats';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const value = Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3));
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const seconds = flag('seconds', 60);
const rate = flag('rate', 100);

async function main() {
  const runs: IsolationFigures[] = [];
  const redis = await startBenchRedis();
  try {
    for (const withSlow of [false, true]) {
      console.error(
        `bench: isolation, ${withSlow ? 'with' : 'without'} the slow subscription (${seconds} s) ...`,
      );
      runs.push(await benchIsolation(redis, { withSlow, rate, seconds }));
    }
  } finally {
    await redis.stop();
  }
  console.log(
    `\nisolation: ${fmt(rate)} events/s for ${fmt(seconds)} s to fast, failing (twice, retries 1 s apart) and slow subscriptions\n`,
  );
  console.log(
    '| run | events | failing retries late by: p50 / p90 / p99 (retries) | failing delivered | Redis commands/s |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const run of runs) {
    const late = run.retryLateness;
    console.log(
      `| ${run.withSlow ? 'with the slow subscription' : 'without it'} | ${fmt(run.events)} | ` +
        `${fmt(late.p50)} / ${fmt(late.p90)} / ${fmt(late.p99)} ms (${fmt(late.count)}) | ` +
        `${fmt(run.failingDelivered)} | ${fmt(run.commandsPerSecond)} |`,
    );
  }
  const [plain, slow] = runs;
  if (plain && slow) {
    console.log(
      `\nRedis commands/s with the slow subscription: ${(slow.commandsPerSecond / plain.commandsPerSecond).toFixed(2)} x without`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
