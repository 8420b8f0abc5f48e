import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';

/** Raised when `redis-server` is not installed; the message says how to install it. */
export class RedisServerMissingError extends Error {
  constructor() {
    super(
      'redis-server was not found on PATH. Install it (Debian/Ubuntu: `apt-get install redis-server`, ' +
        'macOS: `brew install redis`) or run `docker compose up -d redis` and set REDIS_URL.',
    );
    this.name = 'RedisServerMissingError';
  }
}

export interface RedisServerOptions {
  /** The executable; `redis-server` from PATH by default. */
  readonly binary?: string;
  readonly port: number;
  readonly dir: string;
  /** AOF persistence; `always` fsyncs each write (for fault tests). */
  readonly appendfsync?: 'always' | 'everysec' | 'no';
  readonly appendonly?: boolean;
}

export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  /** SIGTERM and wait for exit (Redis flushes its AOF). */
  stop(): Promise<void>;
  /** SIGKILL: a crash, for fault tests. */
  kill(): Promise<void>;
}

export function isRedisServerInstalled(binary = 'redis-server'): boolean {
  const probe = spawnSync(binary, ['--version'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

/** A free TCP port on 127.0.0.1, as the OS hands it out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a `redis-server` child on 127.0.0.1 with its data in `dir` (AOF on,
 * `maxmemory-policy noeviction`, no RDB snapshots) and resolves once it accepts connections.
 */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServerProcess> {
  const binary = options.binary ?? 'redis-server';
  if (!isRedisServerInstalled(binary)) throw new RedisServerMissingError();
  mkdirSync(options.dir, { recursive: true });
  const args = [
    '--port',
    String(options.port),
    '--bind',
    '127.0.0.1',
    '--dir',
    options.dir,
    '--appendonly',
    options.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    options.appendfsync ?? 'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited with code ${code} on start:\n${output.slice(-2000)}`)),
    );
  });
  child.stdout?.removeAllListeners('data').resume();
  child.stderr?.removeAllListeners('data').resume();
  child.removeAllListeners('exit');
  return {
    port: options.port,
    url: `redis://127.0.0.1:${options.port}`,
    pid: child.pid ?? -1,
    async stop() {
      child.kill('SIGTERM');
      await waitForExit(child);
    },
    async kill() {
      child.kill('SIGKILL');
      await waitForExit(child);
    },
  };
}
