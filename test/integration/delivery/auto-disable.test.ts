import {
  createDeliverProcessor,
  createHttpSender,
  deliveryId,
  createRedisDeliveryStore,
  createRedisDeliveryScheduler,
  createRedisSubscriptionHealth,
} from '../../../src/delivery';
import { createRedisEventRecordStore, eventKey, type CloudEvent } from '../../../src/events';
import { createKeySpace } from '../../../src/queues';
import { createAddressPolicy } from '../../../src/security';
import { DEFAULT_DELIVERY, type Subscription } from '../../../src/subscriptions';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';
import { TestRedis, uniquePrefix } from '../../support/test-redis';
import { makeSubscription } from '../../fixtures/make-subscription';

const DAY = 86_400_000;

describe('auto-disable (fake clock)', () => {
  let redis: TestRedis;
  let sink: LocalSink;
  beforeAll(async () => {
    redis = await TestRedis.start();
    sink = await LocalSink.start();
    sink.respond = () => ({ status: 500 });
  });
  afterAll(async () => {
    await sink.close();
    await redis.stop();
  });

  it('disables a subscription whose attempts have all failed for 5 days, not sooner', async () => {
    const keys = createKeySpace(uniquePrefix('autodisable'));
    const client = redis.client();
    let now = new Date('2026-11-01T00:00:00Z');
    let subscription: Subscription = makeSubscription('flaky', {
      sink: sink.url,
      statusChangedAt: now.toISOString(),
      delivery: { ...DEFAULT_DELIVERY, timeoutMs: 2000, retrySchedule: [60, 60, 60, 60, 60, 60] },
    });
    const disabled: { reason: string; since: Date }[] = [];
    const events = createRedisEventRecordStore({
      redis: client,
      recordKey: keys.eventRecord,
      retentionSeconds: 3600,
    });
    const deliveries = createRedisDeliveryStore(client, keys.deliveries, { delivered: 3600, failed: 3600 });
    const sender = createHttpSender({ userAgent: 'test', policy: createAddressPolicy(['127.0.0.0/8']) });
    const process = createDeliverProcessor({
      subscription: () => subscription,
      events,
      deliveries,
      scheduler: createRedisDeliveryScheduler(client, {
        keys: keys.scheduler,
        run: () => undefined,
        now: () => now.getTime(),
      }),
      send: sender,
      health: createRedisSubscriptionHealth(client, keys.failingSince),
      disableSubscription: async (_id, reason, since) => {
        disabled.push({ reason, since });
        subscription = { ...subscription, status: 'disabled', disabledReason: reason };
      },
      autoDisableAfterMs: 5 * DAY,
      maxRetryAfterMs: 60_000,
      busyDelayMs: { min: 10, max: 10 },
      retry: async () => undefined,
      now: () => now,
    });
    const eventOf = (id: string) => ({ specversion: '1.0', id, source: '/s', type: 't' }) as CloudEvent;
    const afterEvent = eventOf('after');
    const send = async (id: string) => {
      const event = eventOf(id);
      const key = eventKey(event, 'default');
      await events.save({ key, tenant: 'default', event, receivedAt: now.toISOString(), via: 'structured' });
      return process({ eventKey: key, subscriptionId: 'flaky', round: 0 });
    };

    expect(await send('day-0')).toMatchObject({ kind: 'later' });
    now = new Date(now.getTime() + 4 * DAY);
    expect(await send('day-4')).toMatchObject({ kind: 'later' });
    expect(disabled).toEqual([]);
    now = new Date(now.getTime() + DAY + 1000);
    await send('day-5');
    expect(disabled).toHaveLength(1);
    expect(disabled[0]!.since.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(disabled[0]!.reason).toMatch(/failed since 2026-11-01/);

    // Disabled: the next delivery is not sent but held, in its subscription's line.
    const before = sink.received.length;
    expect(await send('after')).toEqual({ kind: 'done' });
    expect(sink.received.length).toBe(before);
    const held = await deliveries.get(deliveryId(eventKey(afterEvent, 'default'), 'flaky'));
    expect(held).toMatchObject({ status: 'held', attemptCount: 0 });
    await sender.close();
  });
});

describe('re-enabling a disabled subscription', () => {
  let harness: ServiceHarness;
  let sink: LocalSink;
  beforeAll(async () => {
    harness = await ServiceHarness.start({ AUTO_DISABLE_AFTER_SECONDS: '1' });
    sink = await LocalSink.start();
  });
  afterAll(async () => {
    await harness.stop();
    await sink.close();
  });

  it('delivers what it held, and replays what failed meanwhile (replayFailed: true)', async () => {
    let up = false;
    sink.respond = () => ({ status: up ? 204 : 503 });
    // The retry comes at least 1.6 s (2 s less 20 % jitter) after the first failure: past the 1 s streak.
    const subscription = await harness.subscribe({
      sink: sink.url,
      types: ['reenable'],
      delivery: { retrySchedule: [2] },
    });
    const post = (id: string) =>
      harness.postEvent({ specversion: '1.0', id, source: '/s', type: 'reenable' });
    await post('r-1');
    const disabled = await eventually(
      async () =>
        (await harness.admin('get', `/subscriptions/${subscription.id}`)).body as {
          status: string;
          disabledReason?: string;
        },
      (s) => s.status === 'disabled',
      8000,
    );
    expect(disabled.disabledReason).toMatch(/failed since/);
    await eventually(
      () => harness.deliveries(`subscription=${subscription.id}&status=failed`),
      (list) => list.length === 1,
      8000,
    );
    // While it is disabled, a new delivery is held: recorded, not attempted.
    await post('r-2');
    await eventually(
      () => harness.deliveries(`subscription=${subscription.id}&status=held`),
      (list) => list.length === 1,
      8000,
    );

    up = true;
    const reenabled = await harness
      .admin('patch', `/subscriptions/${subscription.id}`)
      .send({ status: 'active', replayFailed: true });
    expect(reenabled.status).toBe(200);
    expect(reenabled.body).toMatchObject({ status: 'active', replay: { queued: 1, matched: 1 } });
    expect(reenabled.body.disabledReason).toBeUndefined();
    await eventually(
      () => harness.deliveries(`subscription=${subscription.id}&status=delivered`),
      (list) => list.length === 2,
      8000,
    );
  });
});
