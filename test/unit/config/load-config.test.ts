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
      ['REDIS_SENTINELS: set REDIS_URL or REDIS_SENTINELS, not both'],
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
