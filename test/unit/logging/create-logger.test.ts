import { createLogger } from '../../../src/logging';
import { captureStream } from '../../support/log-capture';

describe('logs', () => {
  it('never carry credentials: sender and API keys, subscription secrets, upstream credentials', () => {
    const { lines, stream } = captureStream();
    const logger = createLogger('info', 'json', stream);
    logger.info(
      {
        headers: { authorization: 'Bearer cer_abc_sender-key' },
        subscription: { id: 's1', secret: 'whsec_c2VjcmV0', secrets: ['whsec_b2xk'] },
        auth: { kind: 'oauth2-client-credentials', clientSecret: 'upstream-client-secret' },
        upstream: { password: 'upstream-password', token: 'upstream-bearer-token' },
        apiKey: 'cer_def_admin-key',
        access_token: 'oauth-access-token',
      },
      'a line with every kind of credential',
    );
    expect(lines).toHaveLength(1);
    for (const secret of [
      'cer_abc_sender-key',
      'whsec_c2VjcmV0',
      'whsec_b2xk',
      'upstream-client-secret',
      'upstream-password',
      'upstream-bearer-token',
      'cer_def_admin-key',
      'oauth-access-token',
    ]) {
      expect(lines[0]).not.toContain(secret);
    }
    expect(JSON.parse(lines[0]!).subscription).toEqual({
      id: 's1',
      secret: '[redacted]',
      secrets: '[redacted]',
    });
  });

  it('are JSON with an ISO time, or lines for people when pretty', () => {
    const json = captureStream();
    createLogger('info', 'json', json.stream).info({ deliveryId: 'd1' }, 'delivery attempt');
    const line = JSON.parse(json.lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: 'delivery attempt', deliveryId: 'd1' });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const pretty = captureStream();
    createLogger('info', 'pretty', pretty.stream).info({ deliveryId: 'd1' }, 'delivery attempt');
    const text = pretty.lines.join('\n');
    expect(text).toMatch(/INFO.*delivery attempt/);
    expect(text).toContain('deliveryId: "d1"');
    expect(() => JSON.parse(pretty.lines[0]!) as unknown).toThrow();
  });
});
