import { EVENT_KEY_FORMAT, eventKey, occurrenceKey } from '../../../src/events';

describe('eventKey', () => {
  const identity = { source: '/tenants/1/orders', id: 'order-1' };

  it('is 20 characters of base64url, the same for the same tenant and identity', () => {
    const key = eventKey(identity, 'default');
    expect(key).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(eventKey({ ...identity }, 'default')).toBe(key);
    expect(EVENT_KEY_FORMAT.test(key)).toBe(true);
  });

  it('differs by tenant, source and id, however their text is split', () => {
    const keys = new Set([
      eventKey(identity, 'default'),
      eventKey(identity, 'other'),
      eventKey({ ...identity, source: '/tenants/2/orders' }, 'default'),
      eventKey({ ...identity, id: 'order-2' }, 'default'),
      eventKey({ source: 'bc', id: 'd' }, 'a'),
      eventKey({ source: 'c', id: 'd' }, 'ab'),
      eventKey({ source: 'b', id: 'cd' }, 'a'),
    ]);
    expect(keys.size).toBe(7);
  });

  it('takes nothing else as a key', () => {
    for (const bad of [
      '0123456789abcdef0123456789abcdef01234567',
      'AbC-_0123456789abcd', // 19
      'AbC-_0123456789abcd+', // '+' is not base64url
      'AbC-_0123456789abcd/',
      '',
    ]) {
      expect(EVENT_KEY_FORMAT.test(bad)).toBe(false);
    }
  });

  it('gives each occurrence of an event (the job that owns it) a key of its own', () => {
    const identity = eventKey({ source: '/orders', id: 'o-1' }, 'default');
    expect(occurrenceKey(identity, 'job-a')).toBe(occurrenceKey(identity, 'job-a'));
    expect(occurrenceKey(identity, 'job-a')).not.toBe(occurrenceKey(identity, 'job-b'));
    expect(occurrenceKey(identity, 'job-a')).toMatch(EVENT_KEY_FORMAT);
  });
});
