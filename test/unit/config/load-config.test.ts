import { ConfigError, loadConfig } from '../../../src/config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      ROLE: 'all',
      PORT: 8080,
      KEY_PREFIX: 'cer',
      MAX_BODY_BYTES: 1048576,
      DEDUPE_WINDOW_SECONDS: 86400,
      INGEST_TOKENS: [],
      INGEST_BASIC_CREDENTIALS: [],
      LOG_LEVEL: 'info',
      INTENT_TIME_ZONE: 'Europe/Paris',
    });
    expect(loadConfig({}).REDIS_URL).toBeUndefined();
  });

  it('splits comma lists and treats empty values as unset', () => {
    const config = loadConfig({ INGEST_TOKENS: ' a, b ,,', INGEST_BASIC_CREDENTIALS: 'ao:s3cret', PORT: '' });
    expect(config.INGEST_TOKENS).toEqual(['a', 'b']);
    expect(config.INGEST_BASIC_CREDENTIALS).toEqual(['ao:s3cret']);
    expect(config.PORT).toBe(8080);
  });

  it.each<[string, Record<string, string>, string[]]>([
    [
      'REDIS_URL and REDIS_SENTINELS together',
      { REDIS_URL: 'redis://r:6379', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm' },
      [
        'REDIS_SENTINELS: set one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES, not REDIS_URL and REDIS_SENTINELS',
      ],
    ],
    [
      'sentinels and cluster nodes together',
      { REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'c1:7000' },
      [
        'REDIS_CLUSTER_NODES: set one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES, not REDIS_SENTINELS and REDIS_CLUSTER_NODES',
      ],
    ],
    [
      'a cluster node without its port',
      { REDIS_CLUSTER_NODES: 'c1:7000,c2' },
      ['REDIS_CLUSTER_NODES.1: must be host:port'],
    ],
    [
      'shards served that do not exist',
      { REDIS_SHARDS: '4', WORKER_SHARDS: '0,4' },
      ['WORKER_SHARDS: names shard 4; shards are numbered 0 to 3 (REDIS_SHARDS=4)'],
    ],
    [
      'a backward shard range',
      { REDIS_SHARDS: '8', WORKER_SHARDS: '5-2' },
      ['WORKER_SHARDS.0: shard numbers (3) or ranges (0-7), comma-separated'],
    ],
    [
      'sentinels without the name of the primary',
      { REDIS_SENTINELS: 's1:26379' },
      ['REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS'],
    ],
    [
      'a name without sentinels',
      { REDIS_SENTINEL_NAME: 'm' },
      ['REDIS_SENTINEL_NAME: goes with REDIS_SENTINELS'],
    ],
    [
      'a sentinel without its port',
      { REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'm' },
      ['REDIS_SENTINELS.0: must be host:port'],
    ],
  ])('refuses %s, saying why', (_name, env, issues) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).issues).toEqual(issues);
    }
  });

  it('takes cluster nodes, shards and the shards a worker serves', () => {
    const config = loadConfig({
      REDIS_CLUSTER_NODES: 'c1:7000, c2:7001',
      REDIS_SHARDS: '16',
      WORKER_SHARDS: '0-3,9',
    });
    expect(config.REDIS_CLUSTER_NODES).toEqual(['c1:7000', 'c2:7001']);
    expect(config.REDIS_SHARDS).toBe(16);
    expect(config.WORKER_SHARDS).toEqual([0, 1, 2, 3, 9]);
    expect(loadConfig({}).REDIS_SHARDS).toBe(1);
    expect(loadConfig({}).WORKER_SHARDS).toEqual([]);
  });

  it('takes sentinels with the name of their primary', () => {
    const config = loadConfig({
      REDIS_SENTINELS: 's1:26379, s2:26380',
      REDIS_SENTINEL_NAME: 'm',
      REDIS_TLS: 'true',
    });
    expect(config.REDIS_SENTINELS).toEqual(['s1:26379', 's2:26380']);
    expect(config.REDIS_TLS).toBe(true);
  });

  it('lists every problem in one error', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        PORT: 'eighty',
        REDIS_URL: 'http://x',
        INTENT_TIME_ZONE: 'Mars/Olympus',
        INGEST_BASIC_CREDENTIALS: 'nopassword',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.issues.map((issue) => issue.split(':')[0])).toEqual([
      'PORT',
      'REDIS_URL',
      'INGEST_BASIC_CREDENTIALS.0',
      'INTENT_TIME_ZONE',
    ]);
    expect(error?.message).toMatch(/^Invalid configuration:\n {2}- PORT/);
  });
});
