import { eventKey } from '../../../src/events';
import { deliveryId } from '../../../src/delivery';
import { deliveryJobId, deliveryJobSchema } from '../../../src/queues';

describe('delivery ids', () => {
  const key = eventKey({ source: '/orders', id: 'o-1' }, 'default');

  it('are 20 characters of base64url, one per event and subscription, the same each time', () => {
    const id = deliveryId(key, 'sub-1');
    expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(deliveryId(key, 'sub-1')).toBe(id);
    expect(deliveryId(key, 'sub-2')).not.toBe(id);
    expect(deliveryId(eventKey({ source: '/orders', id: 'o-2' }, 'default'), 'sub-1')).not.toBe(id);
    expect(deliveryJobId({ v: 1, eventKey: key, subscriptionId: 'sub-1', round: 2 })).toBe(`${id}-r2`);
  });

  it("a deliver job's contract takes event keys and nothing else", () => {
    const job = (eventKey: string) => ({ v: 1, eventKey, subscriptionId: 'sub-1' });
    expect(deliveryJobSchema.safeParse(job(key)).success).toBe(true);
    expect(deliveryJobSchema.safeParse(job('ab'.repeat(20))).success).toBe(false);
    expect(deliveryJobSchema.safeParse(job('not a key')).success).toBe(false);
  });
});
