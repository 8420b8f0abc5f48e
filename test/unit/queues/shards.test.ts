import calculateSlot from 'cluster-key-slot';
import { createShards, shardOf, shardTag } from '../../../src/queues';
import { shortHash } from '../../../src/events';

describe('shards', () => {
  it('with one shard, is the single key space of KEY_PREFIX', () => {
    const shards = createShards('cer', 1);
    expect(shards.keys).toEqual([shards.control]);
    expect(shards.control.eventRecord('k')).toBe('{cer}:event:k');
    expect(shards.of(shortHash('any'))).toBe(0);
  });

  it.each([2, 3, 16, 1024])('gives each of %i shards a tag in its own part of the slot space', (count) => {
    const tags = Array.from({ length: count }, (_, shard) => shardTag('cer', shard, count));
    expect(new Set(tags).size).toBe(count);
    tags.forEach((tag, shard) => {
      const slot = calculateSlot(tag);
      expect(slot).toBeGreaterThanOrEqual(Math.floor((shard * 16384) / count));
      expect(slot).toBeLessThan(Math.floor(((shard + 1) * 16384) / count));
    });
  });

  it('puts every key of a shard in the slot of its tag, and control keys apart', () => {
    const shards = createShards('cer', 16);
    const keys = shards.keys[5]!;
    const slot = calculateSlot(keys.eventRecord('e'));
    for (const key of [
      keys.eventClaim('e'),
      keys.deliveries.delivery('d'),
      keys.scheduler.lane('s', 'o'),
      keys.scheduler.ackSeq,
      `${keys.bullPrefix}:ingest:1`,
    ])
      expect(calculateSlot(key)).toBe(slot);
    expect(shards.control.subscriptions.list).toBe('{cer}:subs');
  });

  it('spreads 16 shards over 3 masters with equal runs of slots as 6, 5 and 5', () => {
    const shards = createShards('cer', 16);
    const perMaster = [0, 0, 0];
    for (const keys of shards.keys)
      perMaster[Math.floor((calculateSlot(keys.scheduler.ackSeq) * 3) / 16384)]! += 1;
    expect(perMaster.sort()).toEqual([5, 5, 6]);
  });

  it('places ordering keys evenly and always in the same shard', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[shardOf(shortHash(`key ${i}`), 16)]! += 1;
    for (const count of counts) {
      expect(count).toBeGreaterThan(800);
      expect(count).toBeLessThan(1200);
    }
    expect(shardOf(shortHash('key 7'), 16)).toBe(shardOf(shortHash('key 7'), 16));
  });
});
