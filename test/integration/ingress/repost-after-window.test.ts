import { eventually } from '../../support/eventually';
import { serviceWithSink } from '../../support/service-harness';

// An event posted again once its dedupe window has passed is a new event: acknowledged as new,
// stored beside the first (which stays as it was), and delivered under a webhook-id of its own.

const ctx = serviceWithSink({ DEDUPE_WINDOW_SECONDS: '1' });

describe('a re-post after the dedupe window', () => {
  it('is a new event: answer, record and delivery agree', async () => {
    const subscription = await ctx.harness.subscribe({ sink: ctx.sink.url, types: ['repost.event'] });
    const event = { specversion: '1.0', id: 'r1', source: '/repost', type: 'repost.event' };
    const first = await ctx.harness.postEvent({ ...event, data: { n: 1 } });
    expect(first.body.events[0]).toMatchObject({ duplicate: false });
    const repeat = await ctx.harness.postEvent({ ...event, data: { n: 2 } });
    expect(repeat.body.events[0]).toMatchObject({ duplicate: true, key: first.body.events[0].key });
    await eventually(
      () => ctx.sink.deliveries.length,
      (n) => n === 1,
    );

    // The window passes: the claim expires in Redis.
    const claims = ctx.harness.redis.client();
    await eventually(
      () => claims.keys(`{${ctx.harness.prefix}}:seen:*`),
      (keys) => keys.length === 0,
      5_000,
      100,
    );
    const again = await ctx.harness.postEvent({ ...event, data: { n: 3 } });
    expect(again.body.events[0]).toMatchObject({ duplicate: false });
    const [, second] = await eventually(
      () => ctx.sink.deliveries,
      (list) => list.length === 2,
    );
    expect(JSON.parse(second!.body).data).toEqual({ n: 3 });
    expect(second!.headers['webhook-id']).not.toBe(ctx.sink.deliveries[0]!.headers['webhook-id']);

    const firstKey = String(first.body.events[0].key);
    const againKey = String(again.body.events[0].key);
    expect(againKey).not.toBe(firstKey);
    expect((await ctx.harness.admin('get', `/events/${firstKey}`)).body.event.data).toEqual({ n: 1 });
    expect((await ctx.harness.admin('get', `/events/${againKey}`)).body.event.data).toEqual({ n: 3 });

    const records = await ctx.harness.deliveries(`subscription=${subscription.id}`);
    expect(records).toHaveLength(2);
    const original = records.find((d) => d.eventKey === firstKey)!;
    expect((await ctx.harness.admin('post', `/deliveries/${String(original.id)}/replay`)).status).toBe(202);
    const replayed = await eventually(
      () => ctx.sink.deliveries,
      (list) => list.length === 3,
    );
    expect(JSON.parse(replayed[2]!.body).data).toEqual({ n: 1 });
  });
});
