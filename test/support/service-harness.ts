import pino from 'pino';
import request from 'supertest';
import { loadConfig, type Config, type RelayConfig } from '../../src/config';
import { runService, type RunningService } from '../../src/runtime';
import { eventually } from './eventually';
import { LocalSink } from './local-sink';
import { TestRedis, uniquePrefix } from './test-redis';

export const HARNESS_ADMIN_KEY = 'harness-admin-key-000000001';

/** ce-relay running for real (ROLE=all) against a private Redis, driven over HTTP. */
export class ServiceHarness {
  private constructor(
    readonly redis: TestRedis,
    private running: RunningService,
    readonly prefix: string,
    private readonly config: Config,
    private readonly relay: RelayConfig | undefined,
  ) {}

  get service(): RunningService {
    return this.running;
  }

  static async start(
    env: Record<string, string> = {},
    relay?: RelayConfig,
    redisOptions: { appendfsync?: 'always' | 'everysec' } = {},
    /** A Redis the test started itself (the harness stops it). */
    given?: TestRedis,
  ): Promise<ServiceHarness> {
    const redis = given ?? (await TestRedis.start(redisOptions));
    const prefix = uniquePrefix('service');
    const config = loadConfig({
      REDIS_URL: redis.url,
      PORT: '0',
      HOST: '127.0.0.1',
      KEY_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      ADMIN_API_KEY: HARNESS_ADMIN_KEY,
      SUBSCRIPTION_POLL_MS: '200',
      // Sinks and upstreams of the tests are local servers.
      ALLOW_SINK_CIDRS: '127.0.0.0/8',
      ...env,
    });
    const service = await runService(config, pino({ level: 'silent' }), relay);
    const harness = new ServiceHarness(redis, service, prefix, config, relay);
    await harness.ready();
    return harness;
  }

  /** Stops the service and starts a new one on the same Redis: nothing in memory survives. */
  async restart(): Promise<void> {
    await this.running.close();
    this.running = await runService(this.config, pino({ level: 'silent' }), this.relay);
    await this.ready();
  }

  private async ready(): Promise<void> {
    await eventually(
      () => request(this.base).get('/readyz'),
      (res) => res.status === 200,
    );
  }

  get base(): string {
    return `http://127.0.0.1:${this.service.port}`;
  }

  /** A management request with the admin key. */
  admin(method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string): request.Test {
    return request(this.base)[method](path).set('authorization', `Bearer ${HARNESS_ADMIN_KEY}`);
  }

  /** Creates a subscription and waits until routing knows it. */
  async subscribe(body: object): Promise<{ id: string; secret: string }> {
    const res = await this.admin('post', '/subscriptions').send(body);
    if (res.status !== 201)
      throw new Error(`subscription refused: ${res.status} ${JSON.stringify(res.body)}`);
    await this.routingKnows(res.body.id as string, res.body.updatedAt as string);
    return { id: res.body.id as string, secret: res.body.secret as string };
  }

  /**
   * Waits until the workers route with the subscription as of `updatedAt` (or later), or without
   * it once deleted (`updatedAt` undefined).
   */
  async routingKnows(id: string, updatedAt: string | undefined): Promise<void> {
    const current = () => this.running.workerSubscription(id)?.updatedAt;
    const known = await eventually(
      current,
      (seen) => (updatedAt === undefined ? seen === undefined : seen !== undefined && seen >= updatedAt),
      10_000,
      10,
    );
    if (updatedAt === undefined ? known !== undefined : known === undefined) {
      throw new Error(`the workers did not learn of subscription ${id} in time`);
    }
  }

  postEvent(event: object): request.Test {
    return request(this.base)
      .post('/events')
      .set('content-type', 'application/cloudevents+json')
      .send(JSON.stringify(event));
  }

  async deliveries(query: string): Promise<Record<string, unknown>[]> {
    return (await this.admin('get', `/deliveries?${query}`)).body as Record<string, unknown>[];
  }

  async stop(): Promise<void> {
    await this.service.close();
    await this.redis.stop();
  }
}

/**
 * A ServiceHarness and a LocalSink for one test file: started before its tests, stopped after.
 * Read them from the answer inside tests (`ctx.harness`, `ctx.sink`).
 */
export function serviceWithSink(env: Record<string, string> = {}): {
  readonly harness: ServiceHarness;
  readonly sink: LocalSink;
} {
  const ctx = {} as { harness: ServiceHarness; sink: LocalSink };
  beforeAll(async () => {
    ctx.harness = await ServiceHarness.start(env);
    ctx.sink = await LocalSink.start();
  });
  afterAll(async () => {
    await ctx.harness.stop();
    await ctx.sink.close();
  });
  return ctx;
}
