import { orderingKey, type CloudEvent } from '../../../src/events';

const event = (source: string, extra: Record<string, unknown> = {}) =>
  ({ specversion: '1.0', id: String(Math.random()), type: 't', source, ...extra }) as CloudEvent;

describe('orderingKey', () => {
  it.each<[string, CloudEvent, string, CloudEvent, string, boolean]>([
    ['the same source, other ids', event('/orders/1'), 'ao', event('/orders/1'), 'ao', true],
    ['other sources', event('/orders/1'), 'ao', event('/orders/2'), 'ao', false],
    ['the same source in two tenants', event('/orders/1'), 'ao', event('/orders/1'), 'intent', false],
    [
      'the same partitionkey, other sources',
      event('/a', { partitionkey: 'order-1' }),
      'ao',
      event('/b', { partitionkey: 'order-1' }),
      'ao',
      true,
    ],
    [
      'a partitionkey equal to a source',
      event('/a', { partitionkey: '/orders/1' }),
      'ao',
      event('/orders/1'),
      'ao',
      false,
    ],
    [
      'a number partitionkey and its canonical string (the binary mode)',
      event('/a', { partitionkey: 1 }),
      'ao',
      event('/a', { partitionkey: '1' }),
      'ao',
      true,
    ],
  ])('%s: same key %#', (_name, a, tenantA, b, tenantB, same) => {
    expect(orderingKey(a, tenantA) === orderingKey(b, tenantB)).toBe(same);
  });

  it('is a short hash, fit for a Redis key', () => {
    expect(orderingKey(event('/orders/1'), 'ao')).toMatch(/^[A-Za-z0-9_-]{20}$/);
  });
});
