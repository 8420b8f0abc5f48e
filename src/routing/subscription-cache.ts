import type { RedisClient } from '../queues/redis-connection';
import type { SubscriptionStore } from '../subscriptions';
import { SubscriptionIndex } from './subscription-index';

export interface SubscriptionCacheDeps {
  readonly store: SubscriptionStore;
  /** A connection of its own: it is put in subscriber mode. */
  readonly subscriber: RedisClient;
  /** The store's change channel (announces the id of each changed subscription). */
  readonly channel: string;
  /** How often the store's version is compared with the cache's, as a net for lost messages. */
  readonly pollMs: number;
  readonly onError?: (error: Error) => void;
}

export interface SubscriptionCache {
  readonly index: SubscriptionIndex;
  /** Loads every subscription, then follows changes. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps a worker's in-memory subscription index in step with Redis: each change message reloads
 * that one subscription at once; a poll of the version counter reloads everything when a
 * message was missed (e.g. across a reconnect). A change is visible within `pollMs` at worst.
 */
export function createSubscriptionCache(deps: SubscriptionCacheDeps): SubscriptionCache {
  const index = new SubscriptionIndex();
  let seenVersion = -1;
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> | undefined;
  const report = (error: unknown) =>
    deps.onError?.(error instanceof Error ? error : new Error(String(error)));

  const reloadAll = () => {
    reloading ??= (async () => {
      const version = await deps.store.version();
      index.replaceAll(await deps.store.all());
      seenVersion = version;
    })().finally(() => {
      reloading = undefined;
    });
    return reloading;
  };

  const reloadOne = async (id: string) => {
    const subscription = await deps.store.get(id);
    if (subscription) index.upsert(subscription);
    else index.remove(id);
  };

  const poll = async () => {
    if ((await deps.store.version()) !== seenVersion) await reloadAll();
  };

  deps.subscriber.on('message', (channel: string, id: string) => {
    if (channel === deps.channel) reloadOne(id).catch(report);
  });

  return {
    index,
    async start() {
      await deps.subscriber.subscribe(deps.channel);
      await reloadAll();
      timer = setInterval(() => {
        poll().catch(report);
      }, deps.pollMs);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      await deps.subscriber.unsubscribe(deps.channel).catch(() => undefined);
    },
  };
}
