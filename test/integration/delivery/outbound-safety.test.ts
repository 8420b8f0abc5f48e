import { createHttpSender } from '../../../src/delivery';
import { createAddressPolicy } from '../../../src/security';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

describe('outbound safety', () => {
  let harness: ServiceHarness;
  let sink: LocalSink;
  beforeAll(async () => {
    harness = await ServiceHarness.start({ ALLOW_SINK_CIDRS: '' });
    sink = await LocalSink.start();
  });
  afterAll(async () => {
    await harness.stop();
    await sink.close();
  });

  it.each([
    'http://127.0.0.1:9/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.7/hook',
    'http://[fd00::1]/hook',
    'http://localhost:8080/hook',
    'http://[::169.254.169.254]/',
    'http://[::a9fe:a9fe]/',
    'http://[::10.0.0.1]/',
    'http://[::127.0.0.1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
  ])('refuses a subscription to %s without an allowlist', async (url) => {
    const res = await harness.admin('post', '/subscriptions').send({ sink: url });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'sink_not_allowed', problems: [{ attribute: 'sink' }] });
  });

  it('refuses to change a sink to a private address', async () => {
    const created = await harness
      .admin('post', '/subscriptions')
      .send({ sink: 'http://8.8.8.8/hook', status: 'paused' });
    expect(created.status).toBe(201);
    for (const sink of ['http://192.168.0.1/', 'http://[::a9fe:a9fe]/']) {
      const patched = await harness
        .admin('patch', `/subscriptions/${String(created.body.id)}`)
        .send({ sink });
      expect(patched.body.code).toBe('sink_not_allowed');
    }
  });

  it('checks again at connect time: a name that resolves to loopback is not connected to', async () => {
    const sender = createHttpSender({ userAgent: 'test', policy: createAddressPolicy([]) });
    const url = sink.url.replace('127.0.0.1', 'localhost');
    const result = await sender({ url, method: 'POST', headers: {}, body: '{}', timeoutMs: 2000 });
    expect(result).toMatchObject({ kind: 'error', errorClass: 'blocked' });
    expect(sink.received).toHaveLength(0);
    await sender.close();
  });
});
