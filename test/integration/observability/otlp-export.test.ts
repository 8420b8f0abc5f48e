import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import request from 'supertest';
import { freePort } from '../../../src/runtime';
import { startTracing, tracer } from '../../../src/tracing';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { RELAY_ADMIN_KEY, startRelayProcess } from '../../support/relay-process';
import { TestRedis, uniquePrefix } from '../../support/test-redis';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** An OTLP/HTTP collector stand-in: records each request's path and body. */
async function collector() {
  const received: { path: string; body: Buffer }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { received, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const silent = pino({ level: 'silent' });

it('with no OTEL_* settings, loads no SDK: spans are not recorded', async () => {
  const stop = await startTracing({}, silent, '0.1.0');
  const span = tracer().startSpan('not recorded');
  expect(span.isRecording()).toBe(false);
  span.end();
  await stop();
});

// In a process of its own: the OTLP exporter loads Node's http with a dynamic import, which
// Jest's module sandbox does not run.
it("with an OTLP endpoint, a ce-relay process exports its spans there, under the producer's trace", async () => {
  const otlp = await collector();
  const redis = await TestRedis.start();
  const sink = await LocalSink.start();
  const relay = startRelayProcess(await freePort(), {
    REDIS_URL: redis.url,
    KEY_PREFIX: uniquePrefix('otlp'),
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    OTEL_SERVICE_NAME: 'relay-under-test',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  try {
    await relay.ready();
    const created = await request(relay.base)
      .post('/subscriptions')
      .set('authorization', `Bearer ${RELAY_ADMIN_KEY}`)
      .send({ sink: sink.url });
    expect(created.status).toBe(201);
    await relay.routesTo(sink);
    const traceparent = `00-${TRACE}-00f067aa0ba902b7-01`;
    const event = { specversion: '1.0', id: 'exported-1', source: '/otlp', type: 'otlp.t', traceparent };
    const posted = await request(relay.base)
      .post('/events')
      .set('content-type', 'application/cloudevents+json')
      .send(JSON.stringify(event));
    expect(posted.status).toBe(202);

    // Spans in OTLP's protobuf: names and attributes as text, the trace id as its 16 bytes.
    const traceId = Buffer.from(TRACE, 'hex');
    const exported = () =>
      Buffer.concat(otlp.received.filter((r) => r.path === '/v1/traces').map((r) => r.body));
    const seen = await eventually(
      exported,
      (body) => body.includes(traceId) && body.includes('ce-relay deliver'),
      15_000,
      100,
    );
    for (const text of [
      'ce-relay receive',
      'ce-relay ingest',
      'ce-relay deliver',
      'exported-1',
      'relay-under-test',
    ]) {
      expect([text, seen.includes(text)]).toEqual([text, true]);
    }
    const delivered = sink.deliveries.find((r) => r.body.includes('exported-1'))!;
    expect(String(delivered.headers.traceparent)).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    expect(delivered.headers.traceparent).not.toBe(traceparent);
  } finally {
    relay.child.kill('SIGTERM');
    await relay.exited;
    await sink.close();
    await redis.stop();
    await otlp.close();
  }
}, 60_000);
