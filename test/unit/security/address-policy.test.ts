import { createAddressPolicy } from '../../../src/security';

describe('createAddressPolicy', () => {
  const strict = createAddressPolicy([]);

  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.9', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['::169.254.169.254', false],
    ['::a9fe:a9fe', false],
    ['::10.0.0.1', false],
    ['::127.0.0.1', false],
    ['::ffff:0:a9fe:a9fe', false],
    ['64:ff9b::a9fe:a9fe', false],
    ['64:ff9b:1::a00:1', false],
    ['2002:a9fe:a9fe::1', false],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', true],
    ['2001:0:a00:1:8000:63bf:3fff:fdd2', false],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', false],
    ['::ffff:8.8.8.8', true],
    ['64:ff9b::808:808', true],
    ['2002:808:808::1', true],
    ['::', false],
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['not an ip', false],
  ])('%s allowed: %p', (address, expected) => {
    expect(strict.isAllowed(address)).toBe(expected);
  });

  it('lets an allowlisted range through, and nothing else', () => {
    const local = createAddressPolicy(['127.0.0.0/8', 'fd00::/8']);
    expect(local.isAllowed('127.0.0.1')).toBe(true);
    expect(local.isAllowed('::ffff:127.0.0.1')).toBe(true);
    expect(local.isAllowed('fd12::1')).toBe(true);
    expect(local.isAllowed('10.0.0.1')).toBe(false);
  });

  it('refuses URLs whose host is an IPv6 literal that embeds a non-public IPv4 address', async () => {
    for (const url of [
      'http://[::169.254.169.254]/',
      'http://[::a9fe:a9fe]/',
      'http://[::10.0.0.1]:8080/x',
    ]) {
      expect(await strict.check(url)).toMatch(/not a public address/);
    }
  });

  it('refuses URLs whose host is, or resolves to, a non-public address', async () => {
    expect(await strict.check('http://169.254.169.254/latest/meta-data')).toMatch(/not a public address/);
    expect(await strict.check('http://[::1]:8080/x')).toMatch(/not a public address/);
    expect(await strict.check('http://localhost:8080/x')).toMatch(/localhost resolves to/);
    expect(
      await createAddressPolicy(['127.0.0.0/8', '::1/128']).check('http://localhost:8080/x'),
    ).toBeUndefined();
  });

  it('answers a connect-time lookup only with allowed addresses', async () => {
    const lookup = (policy: ReturnType<typeof createAddressPolicy>) =>
      new Promise<string>((resolve, reject) =>
        policy.lookup('localhost', { family: 4 }, (error, address) =>
          error ? reject(error) : resolve(address),
        ),
      );
    await expect(lookup(strict)).rejects.toMatchObject({ code: 'EADDRNOTALLOWED' });
    await expect(lookup(createAddressPolicy(['127.0.0.0/8', '::1/128']))).resolves.toMatch(/^(127\.|::1)/);
  });
});
