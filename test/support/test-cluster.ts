import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { freePort, isRedisServerInstalled, RedisServerMissingError } from '../../src/runtime';
import { eventually } from './eventually';

export interface TestClusterOptions {
  /** At least 3: `redis-cli --cluster create` refuses fewer. */
  readonly masters?: number;
  readonly replicasPerMaster?: number;
}

export interface TestClusterNode {
  readonly port: number;
  /** The current process; it changes on `restartNode`, and is -1 while the node is down. */
  readonly pid: number;
  readonly dir: string;
}

/** A master and what it serves, as `CLUSTER SHARDS` on a live node reports it. */
export interface TestClusterMaster {
  readonly port: number;
  /** Inclusive ranges, in order. */
  readonly slots: [number, number][];
  /** Its replicas that are not marked failed. */
  readonly replicas: number[];
}

const SLOT_COUNT = 16384;
const WAIT_MS = 30_000;
/** A short `disconnectTimeout`: ioredis otherwise keeps a 2 s timer for a connection to a killed node. */
const CLIENT_OPTIONS = { maxRetriesPerRequest: null, disconnectTimeout: 200 } as const;

/** One redis-server of the cluster; `busPort` is explicit since an ephemeral port + 10000 can pass 65535. */
class ClusterNodeProcess {
  private child: ChildProcess | undefined;
  private closed: Promise<unknown> = Promise.resolve();
  private log = '';

  constructor(
    readonly port: number,
    readonly busPort: number,
    readonly dir: string,
  ) {}

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The end of the server's output, for error messages. */
  get logTail(): string {
    return this.log.slice(-2000);
  }

  async start(): Promise<void> {
    // prettier-ignore
    const args = [
      '--port', String(this.port),
      '--bind', '127.0.0.1',
      '--protected-mode', 'no',
      '--dir', this.dir,
      '--daemonize', 'no',
      '--cluster-enabled', 'yes',
      '--cluster-port', String(this.busPort),
      '--cluster-config-file', 'nodes.conf',
      '--cluster-node-timeout', '1000',
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      // Replicas sync at once; the default waits 5 s for more replicas to share one transfer.
      '--repl-diskless-sync-delay', '0',
    ];
    const child = spawn('redis-server', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log = '';
    this.closed = new Promise((resolve) => child.once('close', resolve));
    child.on('error', () => undefined);
    const onData = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        if (this.log.includes('Ready to accept connections')) done(resolve);
      };
      const onExit = (code: number | null) =>
        done(() =>
          reject(new Error(`redis-server ${this.port} exited with code ${code} on start:\n${this.logTail}`)),
        );
      const done = (settle: () => void) => {
        child.stdout?.off('data', onReady);
        child.stderr?.off('data', onReady);
        child.off('exit', onExit);
        child.off('error', reject);
        settle();
      };
      child.stdout?.on('data', onReady);
      child.stderr?.on('data', onReady);
      child.once('error', reject);
      child.once('exit', onExit);
    });
  }

  /**
   * SIGKILL, a crash. Waits for `close`, not just `exit`: a fork child (AOF rewrite, replication
   * sync) outlives the kill, holding the output pipes and writing into the dir until it ends.
   */
  async kill(): Promise<void> {
    if (this.alive) this.child?.kill('SIGKILL');
    await this.closed;
  }
}

/**
 * A private Redis Cluster for one integration test file: every node a `redis-server` child on
 * free ports with its own temp dir (AOF on), joined with `redis-cli --cluster create`, killed by
 * pid. Never the machine's shared Redis.
 */
export class TestCluster {
  private readonly clusterClients: Cluster[] = [];
  private readonly clients: Redis[] = [];
  private readonly adminClients = new Map<number, Redis>();
  /** What a killed master served, so `waitForFailover` knows which replica may take over. */
  private readonly killedMasters = new Map<number, TestClusterMaster>();

  private constructor(private readonly processes: ClusterNodeProcess[]) {}

  static async start(options: TestClusterOptions = {}): Promise<TestCluster> {
    const masters = options.masters ?? 3;
    const replicasPerMaster = options.replicasPerMaster ?? 1;
    if (masters < 3) throw new Error('a Redis Cluster needs at least 3 masters');
    if (!isRedisServerInstalled()) throw new RedisServerMissingError();
    if (!isRedisServerInstalled('redis-cli')) throw new Error('redis-cli was not found on PATH');
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const cluster = new TestCluster(await newProcesses(masters * (1 + replicasPerMaster)));
      try {
        await cluster.boot(replicasPerMaster);
        return cluster;
      } catch (error) {
        // A port taken between `freePort` and the bind fails the start; new ports usually do not.
        lastError = error;
        await cluster.stop();
      }
    }
    throw lastError;
  }

  get nodes(): TestClusterNode[] {
    return this.processes.map(({ port, pid, dir }) => ({ port, pid, dir }));
  }

  startupNodes(): { host: string; port: number }[] {
    return this.processes.map(({ port }) => ({ host: '127.0.0.1', port }));
  }

  /** `127.0.0.1:p1,127.0.0.1:p2,...`, for an environment variable. */
  nodesEnv(): string {
    return this.startupNodes()
      .map(({ host, port }) => `${host}:${port}`)
      .join(',');
  }

  /** A cluster client the harness closes in `stop()`. */
  client(): Cluster {
    const client = new Cluster(this.startupNodes(), { redisOptions: CLIENT_OPTIONS });
    client.on('error', () => undefined);
    this.clusterClients.push(client);
    return client;
  }

  /** A plain client to one node, closed in `stop()`. */
  nodeClient(port: number): Redis {
    const client = new Redis({ host: '127.0.0.1', port, ...CLIENT_OPTIONS });
    client.on('error', () => undefined);
    this.clients.push(client);
    return client;
  }

  /** The masters that own slots, read from `CLUSTER SHARDS` on a live node. */
  async masters(): Promise<TestClusterMaster[]> {
    const live = this.processes.find((node) => node.alive);
    if (!live) throw new Error('no cluster node is running');
    return this.mastersSeenBy(live.port);
  }

  /** Waits until every replica has acknowledged all its master has written, so a kill loses nothing. */
  async waitForReplicasInSync(): Promise<void> {
    const last = await eventually(
      async () => {
        try {
          for (const master of await this.masters()) {
            const info = await this.admin(master.port).info('replication');
            const offset = field(info, 'master_repl_offset');
            const acked = [...info.matchAll(/^slave\d+:.*offset=(\d+)/gm)].map((match) => match[1]);
            if (acked.length < master.replicas.length || acked.some((value) => value !== offset)) {
              return `replicas of ${master.port} are behind`;
            }
          }
          return 'ok';
        } catch (error) {
          return (error as Error).message;
        }
      },
      (state) => state === 'ok',
      WAIT_MS,
    );
    if (last !== 'ok') throw new Error(`replicas not in sync in time: ${last}`);
  }

  /** SIGKILLs a node (a crash) and waits for it, and any fork child of it, to end. */
  async killNode(port: number): Promise<void> {
    const node = this.node(port);
    const served = (await this.masters()).find((master) => master.port === port);
    if (served) this.killedMasters.set(port, served);
    await node.kill();
  }

  /**
   * Waits until a former replica of the killed master `deadPort` owns all its slots, as every live
   * node sees it, with `cluster_state:ok` everywhere; resolves to the new master's port.
   */
  async waitForFailover(deadPort: number): Promise<number> {
    const dead = this.killedMasters.get(deadPort);
    if (!dead) throw new Error(`${deadPort} is not a master killed with killNode()`);
    if (dead.replicas.length === 0) throw new Error(`master ${deadPort} had no replica to take over`);
    let promoted: number | undefined;
    const last = await eventually(
      async () => {
        try {
          promoted = undefined;
          for (const node of this.processes.filter((each) => each.alive)) {
            const info = await this.admin(node.port).cluster('INFO');
            if (field(info, 'cluster_state') !== 'ok') {
              return `${node.port} says ${field(info, 'cluster_state')}`;
            }
            const owner = (await this.mastersSeenBy(node.port)).find((master) =>
              dead.slots.every(([from, to]) =>
                master.slots.some(([start, end]) => start <= from && to <= end),
              ),
            );
            if (!owner || !dead.replicas.includes(owner.port)) return `${node.port} sees no promoted replica`;
            if (promoted !== undefined && promoted !== owner.port) return 'nodes disagree on the new master';
            promoted = owner.port;
          }
          return 'ok';
        } catch (error) {
          return (error as Error).message;
        }
      },
      (state) => state === 'ok',
      WAIT_MS,
    );
    if (last !== 'ok' || promoted === undefined) {
      throw new Error(`no failover of ${deadPort} in time: ${last}`);
    }
    this.killedMasters.delete(deadPort);
    return promoted;
  }

  /** Starts a killed node again on its port and dir; it rejoins with its nodes.conf. */
  async restartNode(port: number): Promise<void> {
    const node = this.node(port);
    if (node.alive) throw new Error(`node ${port} is running`);
    await node.start();
    await this.waitUntilHealthy();
  }

  /**
   * Waits until every live node says `cluster_state:ok`, knows every node, agrees with the others on
   * who owns which slots, and (if a replica) has its link to its master up.
   */
  async waitUntilHealthy(): Promise<void> {
    const last = await eventually(
      async () => {
        try {
          let layout: string | undefined;
          for (const node of this.processes.filter((each) => each.alive)) {
            const admin = this.admin(node.port);
            const info = await admin.cluster('INFO');
            if (field(info, 'cluster_state') !== 'ok') {
              return `${node.port} says ${field(info, 'cluster_state')}`;
            }
            if (field(info, 'cluster_known_nodes') !== String(this.processes.length)) {
              return `${node.port} knows ${field(info, 'cluster_known_nodes')} nodes`;
            }
            const replication = await admin.info('replication');
            if (field(replication, 'role') === 'slave' && field(replication, 'master_link_status') !== 'up') {
              return `${node.port} is not synced with its master`;
            }
            const seen = JSON.stringify(
              (await this.mastersSeenBy(node.port)).map(({ port, slots }) => [port, slots]),
            );
            if (layout !== undefined && seen !== layout) return 'nodes disagree on slot owners';
            layout = seen;
          }
          return 'ok';
        } catch (error) {
          return (error as Error).message;
        }
      },
      (state) => state === 'ok',
      WAIT_MS,
    );
    if (last !== 'ok') throw new Error(`cluster not healthy in time: ${last}`);
  }

  async stop(): Promise<void> {
    for (const client of this.clusterClients) client.disconnect();
    for (const client of [...this.clients, ...this.adminClients.values()]) client.disconnect();
    await Promise.all(this.processes.map((node) => node.kill()));
    for (const node of this.processes) rmSync(node.dir, { recursive: true, force: true });
  }

  private async boot(replicasPerMaster: number): Promise<void> {
    await Promise.all(this.processes.map((node) => node.start()));
    await createCluster(
      this.processes.map(({ port }) => `127.0.0.1:${port}`),
      replicasPerMaster,
    );
    await this.waitUntilHealthy();
  }

  private node(port: number): ClusterNodeProcess {
    const node = this.processes.find((each) => each.port === port);
    if (!node) throw new Error(`no cluster node on port ${port}`);
    return node;
  }

  /** The harness's own client to a node; commands time out so a stuck node cannot stall a wait. */
  private admin(port: number): Redis {
    let client = this.adminClients.get(port);
    if (!client) {
      client = new Redis({ host: '127.0.0.1', port, ...CLIENT_OPTIONS, commandTimeout: 5000 });
      client.on('error', () => undefined);
      this.adminClients.set(port, client);
    }
    return client;
  }

  /** Masters with slots, from `CLUSTER SHARDS` on `port`; a replica counts while loading (offset 0). */
  private async mastersSeenBy(port: number): Promise<TestClusterMaster[]> {
    const shards = (await this.admin(port).cluster('SHARDS')) as unknown[][];
    const masters: TestClusterMaster[] = [];
    for (const shard of shards.map(record)) {
      const bounds = (shard.slots as number[]).map(Number);
      const nodes = (shard.nodes as unknown[][]).map(record);
      const master = nodes.find((node) => node.role === 'master' && node.health !== 'fail');
      if (!master || bounds.length === 0) continue;
      const slots: [number, number][] = [];
      for (let index = 0; index < bounds.length; index += 2) slots.push([bounds[index]!, bounds[index + 1]!]);
      const replicas = nodes
        .filter((node) => node.role === 'replica' && node.health !== 'fail')
        .map((node) => Number(node.port));
      masters.push({
        port: Number(master.port),
        slots: slots.sort((a, b) => a[0] - b[0]),
        replicas: replicas.sort((a, b) => a - b),
      });
    }
    return masters.sort((a, b) => a.port - b.port);
  }
}

/** Distinct free ports for each node's client and bus port, and a temp dir each. */
async function newProcesses(count: number): Promise<ClusterNodeProcess[]> {
  const ports = new Set<number>();
  while (ports.size < count * 2) ports.add(await freePort());
  const list = [...ports];
  return Array.from(
    { length: count },
    (_, index) =>
      new ClusterNodeProcess(
        list[index * 2]!,
        list[index * 2 + 1]!,
        mkdtempSync(path.join(tmpdir(), 'ce-relay-cluster-')),
      ),
  );
}

async function createCluster(addresses: string[], replicasPerMaster: number): Promise<void> {
  const args = [
    '--cluster',
    'create',
    ...addresses,
    '--cluster-replicas',
    String(replicasPerMaster),
    '--cluster-yes',
  ];
  const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    throw new Error(`redis-cli --cluster create exited with code ${code}:\n${output.slice(-2000)}`);
  }
}

/** A RESP map as ioredis hands it over by default: a flat `[key, value, ...]` array. */
function record(flat: unknown[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (let index = 0; index < flat.length; index += 2) result[String(flat[index])] = flat[index + 1];
  return result;
}

/** One `name:value` line of INFO or CLUSTER INFO output. */
function field(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*?)\\r?$`, 'm').exec(info)?.[1];
}

/** Whether the slot ranges cover 0..16383 with no gap or overlap. */
export function coversAllSlots(ranges: [number, number][]): boolean {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let next = 0;
  for (const [start, end] of sorted) {
    if (start !== next) return false;
    next = end + 1;
  }
  return next === SLOT_COUNT;
}
