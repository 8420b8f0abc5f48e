import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedisServer, type RedisServerProcess } from '../../src/runtime';
import { eventually } from './eventually';

/**
 * A private redis-server for one integration test file: a free port, a temp data dir (AOF on),
 * stopped by pid. `restart()` brings it back on the same port with its data, for fault tests.
 * Never the machine's shared Redis.
 */
export class TestRedis {
  private process: RedisServerProcess | undefined;
  private readonly clients: Redis[] = [];

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly appendfsync: 'always' | 'everysec',
  ) {}

  static async start(options: { appendfsync?: 'always' | 'everysec' } = {}): Promise<TestRedis> {
    const dir = mkdtempSync(path.join(tmpdir(), 'ce-relay-redis-'));
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const redis = new TestRedis(await freePort(), dir, options.appendfsync ?? 'everysec');
      try {
        await redis.boot();
        return redis;
      } catch (error) {
        lastError = error;
        if ((error as Error).name === 'RedisServerMissingError') break;
      }
    }
    throw lastError;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A client the harness closes in `stop()`. */
  client(): Redis {
    const client = new Redis(this.url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    this.clients.push(client);
    return client;
  }

  /** Makes this server a replica of `primary` and waits until it has synced with it. */
  async follow(primary: TestRedis): Promise<void> {
    const client = this.client();
    await client.replicaof('127.0.0.1', String(primary.port));
    const synced = await eventually(
      async () => (await client.info('replication')).includes('master_link_status:up'),
      (up) => up,
      10_000,
    );
    if (!synced) throw new Error(`redis ${this.port} did not sync with ${primary.port} in time`);
  }

  /** Makes this server a primary again (`REPLICAOF NO ONE`). */
  async promote(): Promise<void> {
    await this.client().replicaof('NO', 'ONE');
  }

  async kill(): Promise<void> {
    await this.process?.kill();
    this.process = undefined;
  }

  /** Stops the server without closing its sockets (SIGSTOP): it answers nothing until `thaw()`. */
  freeze(): void {
    if (this.process) process.kill(this.process.pid, 'SIGSTOP');
  }

  thaw(): void {
    if (this.process) process.kill(this.process.pid, 'SIGCONT');
  }

  async restart(): Promise<void> {
    await this.process?.stop();
    await this.boot();
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await this.process?.stop();
    this.process = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async boot(): Promise<void> {
    this.process = await startRedisServer({ port: this.port, dir: this.dir, appendfsync: this.appendfsync });
  }
}

let counter = 0;
/** A key prefix of its own for each test file (and each call). */
export function uniquePrefix(label: string): string {
  counter += 1;
  return `t-${label}-${process.pid}-${counter}`;
}
