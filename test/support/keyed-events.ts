import type { ServiceHarness } from './service-harness';

/**
 * Posts `count` events of each key, one after the other per key (each after the last one's 202),
 * keys at once: each key's acknowledgement order is `n` = 0, 1, ... Partitioned: each event has a
 * source of its own and the key in `partitionkey`; otherwise the key is in the source.
 */
export async function postKeys(
  harness: ServiceHarness,
  type: string,
  keys: readonly string[],
  count: number,
  partitioned = false,
): Promise<void> {
  await Promise.all(
    keys.map(async (key) => {
      for (let n = 0; n < count; n++) {
        const res = await harness.postEvent({
          specversion: '1.0',
          type,
          id: `${key}-${n}`,
          source: partitioned ? `/orders/${key}/${n}` : `/orders/${key}`,
          ...(partitioned ? { partitionkey: key } : {}),
          datacontenttype: 'application/json',
          data: { key, n },
        });
        if (res.status !== 202) throw new Error(`${key}-${n} was answered ${res.status}`);
      }
    }),
  );
}
