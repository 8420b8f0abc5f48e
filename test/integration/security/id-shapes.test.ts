import { eventually } from '../../support/eventually';
import { serviceWithSink } from '../../support/service-harness';

// Ids in paths are checked by their shape before Redis is asked: no path can name a key of
// another kind (a 500 for a key that exists, a 404 for one that does not: an existence oracle).

const ctx = serviceWithSink();

describe('ids in paths', () => {
  it('answer 404 for anything but a well-formed id, whether or not a key of that name exists', async () => {
    const subscription = await ctx.harness.subscribe({ sink: ctx.sink.url, types: ['shape.event'] });
    const posted = await ctx.harness.postEvent({
      specversion: '1.0',
      id: 's1',
      source: '/shape',
      type: 'shape.event',
    });
    const key = posted.body.events[0].key as string;
    const [delivery] = await eventually(
      () => ctx.harness.deliveries(`subscription=${subscription.id}&status=delivered`),
      (list) => list.length === 1,
    );
    const id = String(delivery!.id);
    expect((await ctx.harness.admin('get', `/events/${key}`)).status).toBe(200);
    expect((await ctx.harness.admin('get', `/deliveries/${id}`)).status).toBe(200);

    for (const path of [
      `/events/${key}:deliveries`,
      `/events/${encodeURIComponent(`${key}:deliveries`)}`,
      `/deliveries/${id}:attempts`,
      `/deliveries/${encodeURIComponent(`${id}:attempts`)}`,
      '/events/nope',
      '/deliveries/nope',
    ]) {
      const res = await ctx.harness.admin('get', path);
      expect([path, res.status]).toEqual([path, 404]);
    }
    const replay = await ctx.harness.admin(
      'post',
      `/deliveries/${encodeURIComponent(`${id}:attempts`)}/replay`,
    );
    expect(replay.status).toBe(404);
  });
});
