import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpSender } from '../../../src/delivery';
import { createAddressPolicy } from '../../../src/security';
import { LocalSink } from '../../support/local-sink';

let sink: LocalSink;
const sender = createHttpSender({ userAgent: 'ce-relay-test', policy: createAddressPolicy(['127.0.0.0/8']) });
beforeAll(async () => {
  sink = await LocalSink.start();
});
afterAll(async () => {
  await sender.close();
  await sink.close();
});

const post = (url: string, timeoutMs = 2_000) =>
  sender({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"a":1}',
    timeoutMs,
  });

describe('createHttpSender', () => {
  it('sends to the path and query of the sink URL, every time, with its headers and body', async () => {
    sink.respond = () => ({ status: 429, headers: { 'retry-after': '7' }, body: 'slow down' });
    const first = await post(`${sink.url}/a?x=1&y=%20`);
    const second = await post(`${sink.url}/a?x=1&y=%20`);
    const other = await post(`${sink.url}/b`);

    expect(sink.received.slice(-3).map((r) => r.url)).toEqual([
      '/hook/a?x=1&y=%20',
      '/hook/a?x=1&y=%20',
      '/hook/b',
    ]);
    expect(sink.received.at(-1)).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: expect.objectContaining({ 'user-agent': 'ce-relay-test', 'content-type': 'application/json' }),
    });
    for (const result of [first, second, other])
      expect(result).toMatchObject({ kind: 'response', status: 429, retryAfter: '7', excerpt: 'slow down' });
  });

  it('keeps at most 4 KiB of the answer', async () => {
    sink.respond = () => ({ status: 500, body: 'x'.repeat(10_000) });
    const result = await post(sink.url);
    expect(result).toMatchObject({ kind: 'response', status: 500 });
    expect(result.kind === 'response' && result.excerpt.length).toBe(4096);
  });

  it('ends an attempt that outlasts its timeout', async () => {
    sink.respond = () => ({ status: 204, delayMs: 1_000 });
    const result = await post(sink.url, 200);
    expect(result).toMatchObject({ kind: 'error', errorClass: 'timeout' });
    expect(result.durationMs).toBeLessThan(900);
  });

  it('ends an attempt whose answer trickles in past its timeout, though no single wait is that long', async () => {
    // Headers at once, then a byte every 50 ms: neither undici's headers nor body timeout fires.
    const trickling = createServer((req, res) => {
      req.resume();
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => trickling.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = trickling.address() as AddressInfo;
      const result = await post(`http://127.0.0.1:${port}/hook`, 300);
      expect(result).toMatchObject({ kind: 'error', errorClass: 'timeout' });
      // Bounded by the timeout, rounded up to the next tenth of a second.
      expect(result.durationMs).toBeGreaterThanOrEqual(300);
      expect(result.durationMs).toBeLessThan(1_000);
    } finally {
      trickling.closeAllConnections();
      await new Promise((resolve) => trickling.close(resolve));
    }
  });

  it('reports refused destinations, refused connections and bad URLs without throwing', async () => {
    expect(await post('http://10.0.0.1/hook')).toMatchObject({ kind: 'error', errorClass: 'blocked' });
    expect(await post('http://127.0.0.1:9/hook')).toMatchObject({ kind: 'error', errorClass: 'connection' });
    expect(await post('not a url')).toMatchObject({ kind: 'error', errorClass: 'other' });
  });
});
