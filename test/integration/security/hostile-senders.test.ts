import request from 'supertest';
import { eventually } from '../../support/eventually';
import { serviceWithSink } from '../../support/service-harness';

// An attacker and a bystander post at once: whatever the attacker sends, every event the
// bystander had acknowledged is delivered, and the attacker gets a 4xx, never a 202 or a 5xx.

const ctx = serviceWithSink();

const structured = (body: string) =>
  request(ctx.harness.base).post('/events').set('content-type', 'application/cloudevents+json').send(body);

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const poison = [
  '{"specversion":"1.0","__proto__":{"id":"p1","source":"/attacker","type":"bystander.event"}}',
  `{"specversion":"1.0","id":"p2","source":"/attacker","type":"bystander.event","data":${nested(6_000)}}`,
  `{"specversion":"1.0","id":"p3","source":"/attacker","type":"bystander.event","data":${nested(4_100)}}`,
  '{"specversion":"1.0","id":"p4","source":"/attacker","type":"bystander.event","time":"2026-12-02T12:00:60Z"}',
  '{"specversion":"1.0","id":"p5\\u0000","source":"/attacker","type":"bystander.event"}',
  '{"specversion":"1.0","id":"\\ud800","source":"/attacker","type":"bystander.event"}',
];

describe('hostile senders beside a bystander', () => {
  it('cost the bystander nothing: each of its 202s is delivered, each poison event refused', async () => {
    await ctx.harness.subscribe({ sink: ctx.sink.url, types: ['bystander.event'] });
    const bystander = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({ specversion: '1.0', id: `b${i}`, source: '/bystander', type: 'bystander.event' }),
    );
    const sent = await Promise.all([...bystander, ...poison, ...bystander.slice(0, 5)].map(structured));
    const statuses = sent.map((res) => res.status);
    expect(statuses.slice(0, 60)).toEqual(bystander.map(() => 202));
    expect(statuses.slice(60, 60 + poison.length)).toEqual(poison.map(() => 400));

    const delivered = await eventually(
      () => new Set(ctx.sink.deliveries.map((r) => (JSON.parse(r.body) as { id: string }).id)),
      (ids) => ids.size >= 60,
      15_000,
    );
    expect([...delivered].sort()).toEqual(bystander.map((_, i) => `b${i}`).sort());
  });

  it('delivers what the spec allows and ingress accepted: a leap second, an unusual dataschema', async () => {
    const events = [
      { id: 'leap', time: '2016-12-31T23:59:60Z' },
      { id: 'leap-offset', time: '2017-01-01T01:59:60+02:00' },
      { id: 'schema', dataschema: 'foo:?q' },
    ].map((e) => ({ specversion: '1.0', source: '/edge', type: 'edge.event', ...e }));
    const subscription = await ctx.harness.subscribe({ sink: ctx.sink.url, types: ['edge.event'] });
    for (const event of events) expect((await ctx.harness.postEvent(event)).status).toBe(202);
    const records = await eventually(
      () => ctx.harness.deliveries(`subscription=${subscription.id}`),
      (list) => list.length === events.length && list.every((d) => d.status !== 'pending'),
      8000,
    );
    expect(records.map((d) => d.status)).toEqual(events.map(() => 'delivered'));
  });
});
