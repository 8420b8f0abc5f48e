import request from 'supertest';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

// First attempts made by routing itself (INLINE_ATTEMPT_BUDGET_MS): an attempt that outlasts the
// budget is handed to a job, which must neither send it twice nor lose its retry.
let harness: ServiceHarness;
const sinks: LocalSink[] = [];

beforeAll(async () => {
  harness = await ServiceHarness.start({ INLINE_ATTEMPT_BUDGET_MS: '200' });
});
afterAll(async () => {
  await harness.stop();
  await Promise.all(sinks.map((s) => s.close()));
});

const newSink = async (answers: { status: number; delayMs: number }[]) => {
  const sink = await LocalSink.start();
  sink.respond = (_request, index) => answers[Math.min(index, answers.length - 1)]!;
  sinks.push(sink);
  return sink;
};

type Detail = { status: string; attempts: { outcome: string; statusCode?: number }[] };
const detailOf = async (subscriptionId: string): Promise<Detail> => {
  const [listed] = await harness.deliveries(`subscription=${subscriptionId}`);
  if (!listed) return { status: 'none', attempts: [] };
  return (await harness.admin('get', `/deliveries/${String(listed.id)}`)).body as Detail;
};

it('sends a quick delivery at once, and a slow one once, retrying it on schedule after the handover', async () => {
  const quick = await newSink([{ status: 204, delayMs: 0 }]);
  const slowOk = await newSink([{ status: 204, delayMs: 500 }]);
  const slowFailing = await newSink([
    { status: 503, delayMs: 500 },
    { status: 204, delayMs: 0 },
  ]);
  const delivery = { timeoutMs: 1_000, retrySchedule: [1] };
  const subs = await Promise.all(
    [quick, slowOk, slowFailing].map((sink) =>
      harness.subscribe({ sink: sink.url, types: ['inline.t'], delivery }),
    ),
  );
  expect(
    (await harness.postEvent({ specversion: '1.0', id: 'inline-1', source: '/inline', type: 'inline.t' }))
      .status,
  ).toBe(202);

  await eventually(
    () => quick.received.length + slowOk.received.length + slowFailing.received.length,
    (n) => n === 3,
  );
  // The slow attempts outlasted the 200 ms budget; their jobs look again after the 1 s timeout
  // and the slot lease margin (5 s), when the first is delivered and the second is due.
  const failing = await eventually(
    () => detailOf(subs[2]!.id),
    (d) => d.status === 'delivered',
    15_000,
  );
  expect(failing.attempts.map((a) => a.statusCode)).toEqual([503, 204]);
  expect(slowFailing.received).toHaveLength(2);
  const [first, second] = slowFailing.received;
  expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
  // Made by the handover job (a job made at the first attempt would have retried after 1 s).
  expect(second!.at - first!.at).toBeGreaterThan(5_000);

  // The other handover job came due at the same time: it finds its delivery done.
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  for (const [i, sink] of [quick, slowOk].entries()) {
    const detail = await detailOf(subs[i]!.id);
    expect(detail).toMatchObject({
      status: 'delivered',
      attempts: [{ outcome: 'delivered', statusCode: 204 }],
    });
    expect(sink.received).toHaveLength(1);
  }
}, 30_000);

it('makes the attempts beyond a quick subscription cap wait in the worker, not in delayed jobs', async () => {
  // Budgets no busy machine outlasts: every attempt beyond the cap waits for a slot in the worker.
  const roomy = await ServiceHarness.start({ INLINE_ATTEMPT_BUDGET_MS: '60000', SLOT_WAIT_MS: '60000' });
  try {
    await capWaitsInTheWorker(roomy);
  } finally {
    await roomy.stop();
  }
});

async function capWaitsInTheWorker(harness: ServiceHarness) {
  const sink = await newSink([{ status: 204, delayMs: 0 }]);
  const subscription = await harness.subscribe({
    sink: sink.url,
    types: ['capped.t'],
    delivery: { maxInFlight: 4 },
  });
  const events = Array.from({ length: 12 }, (_, i) => ({
    specversion: '1.0',
    id: `capped-${i}`,
    source: '/capped',
    type: 'capped.t',
  }));
  const stream = `{${harness.prefix}}:deliver:events`;
  const redis = harness.redis.client();
  const [[before] = ['0']] = await redis.xrevrange(stream, '+', '-', 'COUNT', '1');
  // One batch: the worker routes its 12 events at once, 8 more than the cap.
  const res = await request(harness.base)
    .post('/events')
    .set('content-type', 'application/cloudevents-batch+json')
    .send(JSON.stringify(events));
  expect(res.status).toBe(202);

  await eventually(
    () => harness.deliveries(`subscription=${subscription.id}&status=delivered`),
    (delivered) => delivered.length === 12,
  );
  expect(sink.received).toHaveLength(12);
  // No delivery went back to the queue to wait for a slot: the deliver queue saw no new job.
  const since = await redis.xrange(stream, `(${before}`, '+');
  expect(since.filter(([, fields]) => fields[1] === 'added' || fields[1] === 'delayed')).toEqual([]);
}
