import type { LaneEvent } from '../../../src/delivery';
import { eventKey, orderingKey, type CloudEvent } from '../../../src/events';
import { createIntakeRelease, SubscriptionIndex } from '../../../src/routing';
import { DEFAULT_DELIVERY } from '../../../src/subscriptions';
import { makeSubscription } from '../../fixtures/make-subscription';

function releaseWith() {
  const index = new SubscriptionIndex();
  index.replaceAll([
    makeSubscription('ordered', { delivery: { ...DEFAULT_DELIVERY, ordering: 'key' } }),
    makeSubscription('unordered'),
  ]);
  const entered: LaneEvent[] = [];
  const release = createIntakeRelease({ index, scheduler: { enter: async (e) => void entered.push(e) } });
  return { release, entered };
}

it("takes a set-aside item's event out of its key's intake, for none of the ordered subscriptions", async () => {
  const { release, entered } = releaseWith();
  const event = { id: 'e-1', source: '/orders/1', partitionkey: 'order-1', time: 'not a time' };
  expect(await release({ key: 'k1', tenant: 'default', event, receivedAt: 42 })).toBe(true);
  expect(entered).toEqual([
    {
      identityKey: eventKey(event as unknown as CloudEvent, 'default'),
      eventKey: 'k1',
      orderingKey: orderingKey(event as unknown as CloudEvent, 'default'),
      subscriptions: [{ subscriptionId: 'ordered', matched: false, limits: expect.any(Object) }],
    },
  ]);
});

it.each([
  ['not an object', 'garbage'],
  ['no tenant', { key: 'k1', event: { id: 'e-1', source: '/s' } }],
  ['no source', { key: 'k1', tenant: 'default', event: { id: 'e-1' } }],
  ['no event', { key: 'k1', tenant: 'default' }],
])('leaves an item that cannot have been acknowledged alone: %s', async (_name, item) => {
  const { release, entered } = releaseWith();
  expect(await release(item)).toBe(false);
  expect(entered).toEqual([]);
});
