import { createHash } from 'node:crypto';
import { Command } from 'ioredis';
import type { RedisClient } from '../queues/redis-connection';

/**
 * Runs a Lua script by its SHA1 (EVALSHA), and by its text (EVAL) when Redis does not have it
 * yet (after a restart or SCRIPT FLUSH): what `redis.defineCommand` does, for calls with many
 * arguments. ioredis's command constructor copies every argument through `Array.prototype.flat`,
 * much of the client CPU of a batched call of a few hundred arguments; the command here is built
 * empty and given its arguments as they are (`Command.args`, which a test pins to the installed
 * ioredis). A connection's `keyPrefix` is not applied (ce-relay's connections have none: its keys
 * carry their `{prefix}`).
 */
export function createScriptRunner(
  redis: RedisClient,
  lua: string,
): (keys: readonly string[], argv: readonly string[]) => Promise<unknown> {
  const sha = createHash('sha1').update(lua).digest('hex');
  const send = (
    name: 'evalsha' | 'eval',
    script: string,
    keys: readonly string[],
    argv: readonly string[],
  ) => {
    const command = new Command(name, [], { replyEncoding: 'utf8' });
    command.args = [script, String(keys.length), ...keys, ...argv];
    return redis.sendCommand(command) as Promise<unknown>;
  };
  return (keys, argv) =>
    send('evalsha', sha, keys, argv).catch((error: unknown) => {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
      return send('eval', lua, keys, argv);
    });
}
