import { SubscriptionIndex } from '../../../src/routing';
import { makeSubscription } from '../../fixtures/make-subscription';

const subscription = makeSubscription;

const event = (type: string, source = '/s') => ({ specversion: '1.0', id: '1', source, type });

describe('SubscriptionIndex', () => {
  it('matches by type, wildcard, source and filters; paused and disabled ones too (they hold)', () => {
    const index = new SubscriptionIndex();
    index.replaceAll([
      subscription('by-type', { types: ['a', 'b'] }),
      subscription('wildcard'),
      subscription('other-type', { types: ['c'] }),
      subscription('by-source', { source: '/other' }),
      subscription('filtered', { filters: [{ exact: { type: 'b' } }] }),
      subscription('paused', { status: 'paused', types: ['b'] }),
      subscription('disabled', { status: 'disabled', types: ['a'] }),
    ]);
    expect(index.match('default', event('a')).sort()).toEqual(['by-type', 'disabled', 'wildcard']);
    expect(index.match('default', event('b')).sort()).toEqual(['by-type', 'filtered', 'paused', 'wildcard']);
    expect(index.match('default', event('z', '/other')).sort()).toEqual(['by-source', 'wildcard']);
  });

  it('follows updates and removals, also of the types', () => {
    const index = new SubscriptionIndex();
    index.upsert(subscription('s', { types: ['a'] }));
    index.upsert(subscription('s', { types: ['b'], updatedAt: '2026-01-02T00:00:00.000Z' }));
    expect(index.match('default', event('a'))).toEqual([]);
    expect(index.match('default', event('b'))).toEqual(['s']);
    index.remove('s');
    expect(index.match('default', event('b'))).toEqual([]);
    expect(index.size).toBe(0);
  });

  it('replaceAll drops subscriptions that are gone', () => {
    const index = new SubscriptionIndex();
    index.replaceAll([subscription('x'), subscription('y')]);
    index.replaceAll([subscription('y')]);
    expect(index.match('default', event('any'))).toEqual(['y']);
  });

  it("matches only the event's tenant's subscriptions", () => {
    const index = new SubscriptionIndex();
    index.replaceAll([
      subscription('acme-typed', { tenant: 'acme', types: ['a'] }),
      subscription('acme-any', { tenant: 'acme' }),
      subscription('globex-typed', { tenant: 'globex', types: ['a'] }),
      subscription('globex-any', { tenant: 'globex' }),
    ]);
    expect(index.match('acme', event('a')).sort()).toEqual(['acme-any', 'acme-typed']);
    expect(index.match('globex', event('a')).sort()).toEqual(['globex-any', 'globex-typed']);
    expect(index.match('default', event('a'))).toEqual([]);
    index.remove('acme-any');
    index.remove('globex-typed');
    expect(index.match('acme', event('a'))).toEqual(['acme-typed']);
    expect(index.match('globex', event('a'))).toEqual(['globex-any']);
  });
});
