import ipaddr from 'ipaddr.js';
import { z } from 'zod';

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

function isCidr(value: string): boolean {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Every environment variable ce-relay reads, with its default and meaning.
 * README's configuration table mirrors this schema (a test keeps them in step).
 */
export const configSchema = z
  .object({
    ROLE: z.enum(['all', 'api', 'worker']).default('all').describe('Which side runs in this process.'),
    HOST: z.string().min(1).default('0.0.0.0').describe('Address the HTTP server binds to.'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('HTTP port.'),
    REDIS_URL: z
      .url({ protocol: /^rediss?$/ })
      .optional()
      .describe(
        'Redis connection URL. Unset: redis://127.0.0.1:6379, or an embedded redis-server when nothing answers there.',
      ),
    REDIS_SENTINELS: commaList
      .pipe(z.array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'must be host:port')))
      .describe(
        'Redis Sentinel addresses (host:port, comma-separated): ce-relay connects to the primary they name (REDIS_SENTINEL_NAME) and follows it across failovers. Not with REDIS_URL.',
      ),
    REDIS_CLUSTER_NODES: commaList
      .pipe(z.array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'must be host:port')))
      .describe(
        'Redis Cluster nodes to start from (host:port, comma-separated): ce-relay learns the rest from them and follows the cluster across failovers. Not with REDIS_URL or REDIS_SENTINELS.',
      ),
    REDIS_SENTINEL_NAME: z
      .string()
      .min(1)
      .optional()
      .describe("The primary's name in Sentinel (with REDIS_SENTINELS)."),
    REDIS_USERNAME: z
      .string()
      .min(1)
      .optional()
      .describe(
        'With REDIS_SENTINELS or REDIS_CLUSTER_NODES: the user of the Redis servers (with REDIS_URL it is in the URL).',
      ),
    REDIS_PASSWORD: z
      .string()
      .min(1)
      .optional()
      .describe(
        'With REDIS_SENTINELS or REDIS_CLUSTER_NODES: the password of the Redis servers (with REDIS_URL it is in the URL).',
      ),
    REDIS_SENTINEL_PASSWORD: z
      .string()
      .min(1)
      .optional()
      .describe('With REDIS_SENTINELS: the password of the sentinels themselves, if they ask for one.'),
    REDIS_TLS: z
      .enum(['true', 'false'], { error: "must be 'true' or 'false'" })
      .default('false')
      .transform((value) => value === 'true')
      .describe(
        'With REDIS_SENTINELS or REDIS_CLUSTER_NODES: TLS to the sentinels and the servers (with REDIS_URL: rediss://).',
      ),
    KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and - only (1-32 characters)')
      .default('cer')
      .describe('Prefix of every Redis key (wrapped in a hash tag, e.g. {cer}).'),
    REDIS_SHARDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(1024)
      .default(1)
      .describe(
        'Virtual shards the event pipeline is split into, each in its own Redis Cluster hash slot (docs/scaling-out.md). Fixed at deploy time: changing it is an offline operation.',
      ),
    WORKER_SHARDS: commaList
      .pipe(
        z.array(
          z
            .string()
            .regex(/^\d{1,4}(-\d{1,4})?$/, 'shard numbers (3) or ranges (0-7), comma-separated')
            .transform((item, ctx) => {
              const [from = 0, to = from] = item.split('-').map(Number);
              if (to < from) {
                ctx.addIssue({
                  code: 'custom',
                  message: 'shard numbers (3) or ranges (0-7), comma-separated',
                });
                return z.NEVER;
              }
              return Array.from({ length: to - from + 1 }, (_, i) => from + i);
            }),
        ),
      )
      .transform((ranges) => [...new Set(ranges.flat())].sort((a, b) => a - b))
      .describe(
        "The shards this process's workers serve (e.g. 0-7 or 0,2,4); unset: all of them. Every shard needs a worker somewhere.",
      ),
    MAX_BODY_BYTES: positiveInt(1024 * 1024).describe('Largest accepted request body, in bytes.'),
    DEDUPE_WINDOW_SECONDS: positiveInt(86_400).describe(
      'How long a (source, id) pair is remembered to drop repeats.',
    ),
    INGEST_TOKENS: commaList.describe(
      "Comma-separated bearer tokens accepted from senders (the default tenant's).",
    ),
    INGEST_RATE_LIMIT: z
      .string()
      .regex(/^[1-9][0-9]*\/[1-9][0-9]*$/, 'requests/seconds, e.g. 600/60')
      .transform((value) => {
        const [requests, perSeconds] = value.split('/').map(Number) as [number, number];
        return { requests, perSeconds };
      })
      .optional()
      .describe(
        'Requests each sender credential may make per window, as requests/seconds (e.g. 600/60); unset: no limit.',
      ),
    INGEST_BASIC_CREDENTIALS: commaList
      .pipe(z.array(z.string().regex(/^[^:]+:.+$/, 'each entry must be user:password')))
      .describe(
        "Comma-separated user:password pairs accepted from senders (HTTP Basic; the default tenant's).",
      ),
    INGEST_REQUIRE_AUTH: z
      .stringbool()
      .default(false)
      .describe(
        'true: every sender needs credentials (an API key with events:write, or a token or pair above), even when INGEST_TOKENS and INGEST_BASIC_CREDENTIALS are unset.',
      ),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('pino log level.'),
    LOG_FORMAT: z
      .enum(['json', 'pretty'])
      .optional()
      .describe(
        '`json` (one object a line) or `pretty` (for people); default: pretty on a terminal, JSON otherwise.',
      ),
    METRICS_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(9464)
      .describe(
        'Port of the listener of a worker-only process (`ROLE=worker`): `/metrics`, `/healthz`, `/readyz`. API processes serve them on `PORT`.',
      ),
    METRICS_TOKEN: z
      .string()
      .min(16)
      .optional()
      .describe(
        'When set, `GET /metrics` needs `Authorization: Bearer <METRICS_TOKEN>` (metric labels name subscriptions).',
      ),
    METRICS_TOP_SUBSCRIPTIONS: z.coerce
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(20)
      .describe(
        'How many subscriptions, those with the largest backlogs, get per-subscription backlog gauges.',
      ),
    INTENT_TIME_ZONE: z
      .string()
      .refine(isTimeZone, 'not an IANA time zone')
      .default('Europe/Paris')
      .describe("Time zone of intent's offset-less timestamps (logDate)."),
    WEBHOOK_ALLOWED_ORIGINS: commaList.describe(
      'Origins granted by the CloudEvents webhook handshake (OPTIONS /events); empty means any (*).',
    ),
    WEBHOOK_ALLOWED_RATE: z
      .string()
      .regex(/^(\*|[1-9][0-9]*)$/, 'a positive integer (requests per minute) or *')
      .default('*')
      .describe('WebHook-Allowed-Rate answered by the handshake.'),
    ENQUEUE_TIMEOUT_MS: positiveInt(2000).describe(
      'How long the API waits for Redis to confirm an enqueue, or to answer any other command of a request (authentication, rate limit, management), before answering 503.',
    ),
    INGEST_REPLICA_ACKS: z.coerce
      .number()
      .int()
      .min(0)
      .max(16)
      .default(0)
      .describe(
        'Replicas that must acknowledge the writes of an ingest request (Redis WAIT) before its 202; fewer within INGEST_REPLICA_ACK_TIMEOUT_MS answer 503. 0: no wait (a failover may lose the last writes).',
      ),
    INGEST_REPLICA_ACK_TIMEOUT_MS: positiveInt(1000).describe(
      'How long an ingest request waits for INGEST_REPLICA_ACKS replicas to acknowledge its writes.',
    ),
    RETRY_AFTER_SECONDS: positiveInt(5).describe('Retry-After sent with 503 when Redis is unreachable.'),
    EMBEDDED_REDIS_DIR: z
      .string()
      .min(1)
      .default('.data/redis')
      .describe('Data folder of the embedded first-run redis-server.'),
    EVENT_RETENTION_SECONDS: positiveInt(30 * 86_400).describe('How long event records are kept in Redis.'),
    INGEST_CONCURRENCY: positiveInt(64).describe(
      'Events one worker process stores and routes at once (first attempts made while routing included).',
    ),
    ADMIN_API_KEY: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional()
      .describe(
        "The operator's bootstrap key: every scope, the default tenant's data, every tenant's API keys; unset: only stored API keys.",
      ),
    API_KEY_CACHE_MS: positiveInt(5_000).describe(
      'How long an API process remembers a looked-up API key; a key deleted elsewhere works this long at most.',
    ),
    SECRET_ROTATION_OVERLAP_SECONDS: positiveInt(86_400).describe(
      'How long a rotated-out subscription secret keeps signing.',
    ),
    SUBSCRIPTION_POLL_MS: positiveInt(1000).describe(
      'Longest time before a subscription change reaches routing in every worker.',
    ),
    DELIVERY_CONCURRENCY: positiveInt(50).describe('Deliveries one worker process sends at once.'),
    INLINE_ATTEMPT_BUDGET_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(500)
      .describe(
        'Routing makes the first attempt itself for quick, healthy subscriptions (usually under a tenth of this), handing one whose request is unanswered after this long to a job; 0: a job for every delivery.',
      ),
    SLOT_WAIT_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(100)
      .describe(
        "An attempt whose subscription is at its maxInFlight waits in the worker this long for a slot (for subscriptions that answer quicker than this) before it takes its place in the subscription's line.",
      ),
    SCHEDULER_SWEEP_MS: positiveInt(1000).describe(
      'How often each worker hands free slots to the deliveries waiting in line (after a worker died, a subscription was resumed, or for maxPerSecond).',
    ),
    DELIVERED_RETENTION_SECONDS: positiveInt(7 * 86_400).describe('How long delivered records are kept.'),
    FAILED_RETENTION_SECONDS: positiveInt(30 * 86_400).describe(
      'How long failed records (dead letters) are kept.',
    ),
    AUTO_DISABLE_AFTER_SECONDS: positiveInt(5 * 86_400).describe(
      'A subscription whose attempts all fail for this long is disabled.',
    ),
    MAX_RETRY_AFTER_SECONDS: positiveInt(3600).describe("Upper bound for a sink's Retry-After."),
    REPLAY_SPACING_MS: positiveInt(20).describe('Bulk replays start one delivery every this many ms.'),
    WEBHOOK_REQUEST_ORIGIN: z
      .string()
      .min(1)
      .default('ce-relay')
      .describe(
        'WebHook-Request-Origin sent in the webhook handshake to sinks, and on every delivery to a sink that granted it.',
      ),
    RELAY_CONFIG: z
      .string()
      .min(1)
      .optional()
      .describe('Path of a JSON or YAML file declaring upstreams for enrichment; unset: no enrichment.'),
    ALLOW_SINK_CIDRS: commaList
      .pipe(z.array(z.string().refine(isCidr, 'must be a CIDR such as 127.0.0.0/8 or fd00::/8')))
      .describe(
        'Non-public address ranges that sinks, handshakes and upstreams may still reach (e.g. 127.0.0.0/8 for local tests).',
      ),
    WORKER_LOCK_MS: positiveInt(30_000).describe(
      'How long a job stays locked to a worker; the jobs of a worker that died are taken up again after it.',
    ),
    SHUTDOWN_GRACE_MS: positiveInt(10_000).describe('How long SIGTERM waits for in-flight work.'),
  })
  .superRefine((config, ctx) => {
    const sentinels = config.REDIS_SENTINELS.length > 0;
    const cluster = config.REDIS_CLUSTER_NODES.length > 0;
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const modes = [
      config.REDIS_URL && 'REDIS_URL',
      sentinels && 'REDIS_SENTINELS',
      cluster && 'REDIS_CLUSTER_NODES',
    ];
    const set = modes.filter((mode): mode is string => typeof mode === 'string');
    if (set.length > 1)
      issue(set[1]!, `set one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES, not ${set.join(' and ')}`);
    const beyond = config.WORKER_SHARDS.find((shard) => shard >= config.REDIS_SHARDS);
    if (beyond !== undefined)
      issue(
        'WORKER_SHARDS',
        `names shard ${beyond}; shards are numbered 0 to ${config.REDIS_SHARDS - 1} (REDIS_SHARDS=${config.REDIS_SHARDS})`,
      );
    if (sentinels && !config.REDIS_SENTINEL_NAME)
      issue('REDIS_SENTINEL_NAME', 'is required with REDIS_SENTINELS');
    if (!sentinels && config.REDIS_SENTINEL_NAME) issue('REDIS_SENTINEL_NAME', 'goes with REDIS_SENTINELS');
  });

export type Config = z.infer<typeof configSchema>;
