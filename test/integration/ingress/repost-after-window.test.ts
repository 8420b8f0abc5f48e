import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

// An event posted again once its dedupe window has passed is a new event: acknowledged as new,
// stored beside the first (which stays as it was), and delivered under a webhook-id of its own.

let harness: ServiceHarness;
let sink: LocalSink;

beforeAll(async () => {
  harness = await ServiceHarness.start({ DEDUPE_WINDOW_SECONDS: '1' });
  sink = await LocalSink.start();
});
afterAll(async () => {
  await harness.stop();
  await sink.close();
});

describe('a re-post after the dedupe window', () => {
  it('is a new event: answer, record and delivery agree', async () => {
    const subscription = await harness.subscribe({ sink: sink.url, types: ['repost.event'] });
    const event = { specversion: '1.0', id: 'r1', source: '/repost', type: 'repost.event' };
    const first = await harness.postEvent({ ...event, data: { n: 1 } });
    expect(first.body.events[0]).toMatchObject({ duplicate: false });
    const repeat = await harness.postEvent({ ...event, data: { n: 2 } });
    expect(repeat.body.events[0]).toMatchObject({ duplicate: true, key: first.body.events[0].key });
    await eventually(
      () => sink.deliveries.length,
      (n) => n === 1,
    );

    // The window passes: the claim expires in Redis.
    const claims = harness.redis.client();
    await eventually(
      () => claims.keys(`{${harness.prefix}}:seen:*`),
      (keys) => keys.length === 0,
      5_000,
      100,
    );
    const again = await harness.postEvent({ ...event, data: { n: 3 } });
    expect(again.body.events[0]).toMatchObject({ duplicate: false });
    const [, second] = await eventually(
      () => sink.deliveries,
      (list) => list.length === 2,
    );
    expect(JSON.parse(second!.body).data).toEqual({ n: 3 });
    expect(second!.headers['webhook-id']).not.toBe(sink.deliveries[0]!.headers['webhook-id']);

    const firstKey = String(first.body.events[0].key);
    const againKey = String(again.body.events[0].key);
    expect(againKey).not.toBe(firstKey);
    expect((await harness.admin('get', `/events/${firstKey}`)).body.event.data).toEqual({ n: 1 });
    expect((await harness.admin('get', `/events/${againKey}`)).body.event.data).toEqual({ n: 3 });

    const records = await harness.deliveries(`subscription=${subscription.id}`);
    expect(records).toHaveLength(2);
    const original = records.find((d) => d.eventKey === firstKey)!;
    expect((await harness.admin('post', `/deliveries/${String(original.id)}/replay`)).status).toBe(202);
    const replayed = await eventually(
      () => sink.deliveries,
      (list) => list.length === 3,
    );
    expect(JSON.parse(replayed[2]!.body).data).toEqual({ n: 1 });
  });
});
