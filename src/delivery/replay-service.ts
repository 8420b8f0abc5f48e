import { AppError } from '../errors';
import type { DeliveryQueue } from '../queues';
import { FINAL_STATUSES, type DeliveryRecord, type DeliveryStore, type FinalStatus } from './delivery-record';

export interface ReplayServiceDeps {
  readonly deliveries: DeliveryStore;
  readonly queue: Pick<DeliveryQueue, 'enqueue'>;
  /** Bulk replays start one delivery every `spacingMs`, behind live traffic. */
  readonly bulkSpacingMs: number;
  /** Told of every replay that queued deliveries (logs and metrics). */
  readonly onReplayed?: (replay: ReplayReport) => void;
  readonly now?: () => Date;
}

export type ReplayReport =
  | { readonly kind: 'one'; readonly tenant: string; readonly deliveryId: string; readonly round: number }
  | {
      readonly kind: 'bulk';
      readonly tenant: string;
      readonly subscriptionId: string;
      readonly queued: number;
      readonly matched: number;
    };

export interface BulkReplayQuery {
  readonly tenant: string;
  readonly status: FinalStatus;
  readonly since?: number;
  readonly until?: number;
  /** Only deliveries whose last change (e.g. their final failure) is at or after this time, in ms. */
  readonly changedSince?: number;
}

export interface ReplayService {
  /** A new round of attempts for one delivery (same `webhook-id`; earlier attempts are kept). */
  replayOne(tenant: string, id: string): Promise<{ id: string; round: number }>;
  /** Replays a subscription's matching deliveries in event-time order; resolves with the count queued. */
  replayBulk(subscriptionId: string, query: BulkReplayQuery): Promise<{ queued: number; matched: number }>;
}

export const deliveryNotFound = (id: string) =>
  new AppError('delivery_not_found', `No delivery with id ${id}.`, { status: 404 });

const PAGE = 500;
const BULK_PRIORITY = 10;

/**
 * Replays. Each delivery moves to its next round atomically (in Redis), so two replays at once
 * cannot both queue it: the loser sees it pending already and skips it.
 */
export function createReplayService(deps: ReplayServiceDeps): ReplayService {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const job = (record: DeliveryRecord, round: number) => ({
    v: 1 as const,
    eventKey: record.eventKey,
    subscriptionId: record.subscriptionId,
    round,
  });

  return {
    async replayOne(tenant, id) {
      const record = await deps.deliveries.get(id);
      if (record?.tenant !== tenant) throw deliveryNotFound(id);
      const round = await deps.deliveries.beginReplay(record, FINAL_STATUSES, now());
      if (round === undefined) {
        throw new AppError(
          'delivery_pending',
          `Delivery ${id} is still ${record.status}; it can be replayed once it ends.`,
          { status: 409 },
        );
      }
      await deps.queue.enqueue([job(record, round)]);
      deps.onReplayed?.({ kind: 'one', tenant, deliveryId: id, round });
      return { id, round };
    },
    async replayBulk(subscriptionId, query) {
      const matched: DeliveryRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await deps.deliveries.list({
          tenant: query.tenant,
          subscriptionId,
          status: query.status,
          since: query.since,
          until: query.until,
          cursor,
          limit: PAGE,
        });
        const changedSince = query.changedSince;
        matched.push(
          ...(changedSince === undefined
            ? page.items
            : page.items.filter((d) => Date.parse(d.updatedAt) >= changedSince)),
        );
        cursor = page.nextCursor;
      } while (cursor);
      matched.sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime) || a.id.localeCompare(b.id));
      const jobs = [];
      for (const record of matched) {
        const round = await deps.deliveries.beginReplay(record, [query.status], now());
        if (round !== undefined) jobs.push(job(record, round));
      }
      await deps.queue.enqueue(jobs, { spacingMs: deps.bulkSpacingMs, priority: BULK_PRIORITY });
      const tenant = query.tenant;
      deps.onReplayed?.({
        kind: 'bulk',
        tenant,
        subscriptionId,
        queued: jobs.length,
        matched: matched.length,
      });
      return { queued: jobs.length, matched: matched.length };
    },
  };
}
