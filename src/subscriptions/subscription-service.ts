import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { AppError, invalidInput } from '../errors';
import { generateSigningSecret } from './signing-secret';
import type { SigningSecret, Subscription } from './subscription';
import {
  subscriptionInputSchema,
  subscriptionPatchSchema,
  withDeliveryPatch,
  type SubscriptionInput,
} from './subscription-schema';
import type { ListOptions, SubscriptionPage, SubscriptionStore } from './subscription-store';

export interface SubscriptionServiceDeps {
  readonly store: SubscriptionStore;
  /** How long a rotated-out secret keeps signing, in seconds. */
  readonly secretOverlapSeconds: number;
  readonly now?: () => Date;
  readonly newId?: () => string;
  /** Checks a new subscription's sink (the webhook handshake, when it asks for one); throws to refuse it. */
  readonly handshake?: (subscription: Subscription) => Promise<void>;
  /** Says why a sink may not be used (e.g. not a public address), or undefined when it may. */
  readonly checkSink?: (url: string) => Promise<string | undefined>;
}

/**
 * Subscription use cases, each within one tenant: another tenant's subscription is answered as
 * not found, so ids do not leak across tenants.
 */
export interface SubscriptionService {
  create(tenant: string, body: unknown): Promise<Subscription>;
  get(tenant: string, id: string): Promise<Subscription>;
  list(options: ListOptions): Promise<SubscriptionPage>;
  replace(tenant: string, id: string, body: unknown): Promise<Subscription>;
  /**
   * `discardHeld`: when the patch makes the subscription active again, the deliveries it held
   * meanwhile end `discarded` instead of being attempted.
   */
  patch(
    tenant: string,
    id: string,
    body: unknown,
    options?: { discardHeld?: boolean },
  ): Promise<Subscription>;
  delete(tenant: string, id: string): Promise<Subscription>;
  /** Disables a subscription that keeps failing (no-op when it is gone or already disabled). */
  disable(id: string, reason: string, failingSince: Date): Promise<void>;
  /** Issues a new secret; the previous one keeps signing until the overlap ends. */
  rotateSecret(
    tenant: string,
    id: string,
  ): Promise<{ subscription: Subscription; secret: string; previousSecretExpiresAt: string }>;
}

export function subscriptionNotFound(id: string): AppError {
  return new AppError('subscription_not_found', `No subscription with id ${id}.`, { status: 404 });
}

/** Settings that are each valid but not together. */
function assertDelivery(delivery: Subscription['delivery']): void {
  if (delivery.coalesce === 'latest' && delivery.ordering !== 'key') {
    throw new AppError('invalid_subscription', 'Invalid subscription.', {
      status: 400,
      problems: [{ attribute: 'delivery.coalesce', detail: "'latest' needs delivery.ordering: 'key'" }],
    });
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw invalidInput('invalid_subscription', 'subscription', result.error.issues);
}

/** Drops `null` (a PATCH's "remove this field") and `undefined` entries. */
function withoutEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/**
 * A new subscription's id: 96 random bits in 16 characters of base64url. Each delivery writes its
 * subscription's id into several Redis keys and values (in-flight slots, index, record), so its
 * length counts.
 */
const newSubscriptionId = () => randomBytes(12).toString('base64url');

/** Subscription use cases: validation, ids, secrets, timestamps; persistence is the store's. */
export function createSubscriptionService(deps: SubscriptionServiceDeps): SubscriptionService {
  const now = () => (deps.now ?? (() => new Date()))();
  const newId = deps.newId ?? newSubscriptionId;

  const assertSink = async (url: string) => {
    const refused = await deps.checkSink?.(url);
    if (refused) {
      throw new AppError('sink_not_allowed', `The sink is not allowed: ${refused}.`, {
        status: 400,
        problems: [{ attribute: 'sink', detail: refused }],
      });
    }
  };

  const load = async (tenant: string, id: string) => {
    const subscription = await deps.store.get(id);
    if (subscription?.tenant !== tenant) throw subscriptionNotFound(id);
    return subscription;
  };

  const liveSecrets = (secrets: readonly SigningSecret[], at: Date) =>
    secrets.filter((s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > at.getTime());

  const fromInput = (
    input: SubscriptionInput,
    base: Pick<
      Subscription,
      'id' | 'tenant' | 'createdAt' | 'secrets' | 'statusChangedAt' | 'discardHeldBefore'
    >,
    at: Date,
  ): Subscription => {
    const { id: _ignored, ...fields } = input;
    return withoutEmpty({ ...fields, ...base, updatedAt: at.toISOString() });
  };

  return {
    async create(tenant, body) {
      const input = parse(subscriptionInputSchema, body);
      await assertSink(input.sink);
      const at = now();
      const subscription = fromInput(
        input,
        {
          id: newId(),
          tenant,
          createdAt: at.toISOString(),
          statusChangedAt: at.toISOString(),
          secrets: [{ secret: generateSigningSecret() }],
        },
        at,
      );
      assertDelivery(subscription.delivery);
      await deps.handshake?.(subscription);
      await deps.store.create(subscription);
      return subscription;
    },
    get: load,
    list: (options) => deps.store.list(options),
    async replace(tenant, id, body) {
      const existing = await load(tenant, id);
      const input = parse(subscriptionInputSchema, body);
      await assertSink(input.sink);
      const at = now();
      const subscription = fromInput(
        input,
        {
          id,
          tenant,
          createdAt: existing.createdAt,
          secrets: liveSecrets(existing.secrets, at),
          statusChangedAt: input.status === existing.status ? existing.statusChangedAt : at.toISOString(),
          discardHeldBefore: existing.discardHeldBefore,
        },
        at,
      );
      assertDelivery(subscription.delivery);
      await deps.store.update(subscription);
      return subscription;
    },
    async patch(tenant, id, body, options = {}) {
      const existing = await load(tenant, id);
      const changes = parse(subscriptionPatchSchema, body);
      if (changes.sink !== undefined) await assertSink(changes.sink);
      const at = now().toISOString();
      const statusChanges = changes.status !== undefined && changes.status !== existing.status;
      const discards = options.discardHeld === true && statusChanges && changes.status === 'active';
      const { disabledReason, failingSince, ...current } = existing;
      const merged = {
        ...current,
        ...changes,
        delivery: withDeliveryPatch(existing.delivery, changes.delivery ?? {}),
        // Leaving `disabled` drops its reason; staying disabled keeps it.
        ...(statusChanges ? { statusChangedAt: at } : { disabledReason, failingSince }),
        ...(discards ? { discardHeldBefore: at } : {}),
        updatedAt: at,
      };
      const subscription = withoutEmpty(merged) as Subscription;
      assertDelivery(subscription.delivery);
      await deps.store.update(subscription);
      return subscription;
    },
    async disable(id, reason, failingSince) {
      const existing = await deps.store.get(id);
      if (!existing || existing.status === 'disabled') return;
      const at = now().toISOString();
      await deps.store.update({
        ...existing,
        status: 'disabled',
        disabledReason: reason,
        failingSince: failingSince.toISOString(),
        statusChangedAt: at,
        updatedAt: at,
      });
    },
    async delete(tenant, id) {
      await load(tenant, id);
      const deleted = await deps.store.delete(id);
      if (!deleted) throw subscriptionNotFound(id);
      return deleted;
    },
    async rotateSecret(tenant, id) {
      const existing = await load(tenant, id);
      const at = now();
      const previousSecretExpiresAt = new Date(at.getTime() + deps.secretOverlapSeconds * 1000).toISOString();
      const secret = generateSigningSecret();
      const rotatedOut = liveSecrets(existing.secrets, at).map((s) => ({
        secret: s.secret,
        expiresAt: s.expiresAt ?? previousSecretExpiresAt,
      }));
      const subscription: Subscription = {
        ...existing,
        secrets: [{ secret }, ...rotatedOut],
        updatedAt: at.toISOString(),
      };
      await deps.store.update(subscription);
      return { subscription, secret, previousSecretExpiresAt };
    },
  };
}
