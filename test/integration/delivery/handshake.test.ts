import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

let harness: ServiceHarness;
let sink: LocalSink;

beforeAll(async () => {
  harness = await ServiceHarness.start({ WEBHOOK_REQUEST_ORIGIN: 'relay.example' });
  sink = await LocalSink.start();
});
afterAll(async () => {
  await harness.stop();
  await sink.close();
});

describe('the webhook validation handshake on create', () => {
  it('creates the subscription when the sink grants our origin', async () => {
    sink.respond = (r) =>
      r.method === 'OPTIONS'
        ? {
            status: 200,
            headers: { 'webhook-allowed-origin': String(r.headers['webhook-request-origin']), allow: 'POST' },
          }
        : { status: 204 };
    const res = await harness
      .admin('post', '/subscriptions')
      .send({ sink: sink.url, delivery: { handshake: true } });
    expect(res.status).toBe(201);
    const options = sink.received.filter((r) => r.method === 'OPTIONS');
    expect(options).toHaveLength(1);
    expect(options[0]!.headers['webhook-request-origin']).toBe('relay.example');
  });

  it.each([
    ['answers without WebHook-Allowed-Origin', { status: 200 }, /WebHook-Allowed-Origin is missing/],
    [
      'grants another origin',
      { status: 200, headers: { 'webhook-allowed-origin': 'other.example' } },
      /"other.example"/,
    ],
    ['answers 405', { status: 405 }, /OPTIONS answered 405/],
  ])('refuses the subscription with 400 when the sink %s', async (_label, answer, detail) => {
    sink.respond = () => answer;
    const res = await harness
      .admin('post', '/subscriptions')
      .send({ sink: sink.url, delivery: { handshake: true } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'handshake_failed', problems: [{ attribute: 'sink' }] });
    expect(res.body.detail).toMatch(detail);
    expect(
      (await harness.admin('get', '/subscriptions')).body.map((s: { sink: string }) => s.sink),
    ).toHaveLength(1);
  });

  it('skips the handshake unless asked', async () => {
    const before = sink.received.length;
    sink.respond = () => ({ status: 500 });
    expect((await harness.admin('post', '/subscriptions').send({ sink: sink.url })).status).toBe(201);
    expect(sink.received.length).toBe(before);
  });
});
