import type { LookupAddress } from 'node:dns';
import { embeddedIPv4, forbiddenAddressReason, parseWebhookUrl } from '../src/address-rules';
import { guardedLookup, type Resolver } from '../src/webhook-sender';

describe('webhook address rules', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.254', 'shared (CGNAT)'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.255', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'],
    ['2002:7f00:1::', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['::127.0.0.1', 'reserved'],
    ['localhost', 'not an IP address'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(forbiddenAddressReason(address)).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '2606:4700:4700::1111',
    '2a00:1450:4001:81b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('allows the public address %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeNull();
  });

  it('reads the IPv4 address inside mapped and NAT64 IPv6 addresses', () => {
    expect(embeddedIPv4('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(embeddedIPv4('::ffff:c0a8:101')).toBe('192.168.1.1');
    expect(embeddedIPv4('64:ff9b::7f00:1')).toBe('127.0.0.1');
    expect(embeddedIPv4('2606:4700::1')).toBeNull();
  });

  it('takes http(s) URLs without credentials, normalising numeric IPv4 hosts', () => {
    expect(parseWebhookUrl('ftp://example.com/')).toEqual({ error: 'url must use http or https' });
    expect(parseWebhookUrl('https://user:pw@example.com/')).toEqual({ error: 'url must not contain credentials' });
    expect(parseWebhookUrl('https://user@example.com/')).toEqual({ error: 'url must not contain credentials' });
    expect(parseWebhookUrl('not a url')).toEqual({ error: 'url must be an absolute http or https URL' });
    expect(parseWebhookUrl(`https://example.com/${'a'.repeat(2048)}`)).toEqual({ error: 'url must be at most 2048 characters' });
    for (const form of ['http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/']) {
      const parsed = parseWebhookUrl(form);
      expect('host' in parsed && parsed.host).toBe('127.0.0.1');
    }
    const v6 = parseWebhookUrl('http://[::ffff:127.0.0.1]:8080/x');
    expect('host' in v6 && forbiddenAddressReason(v6.host)).toBe('loopback');
  });
});

describe('guarded lookup (the address a delivery connects to)', () => {
  const resolverOf =
    (...addresses: string[]): Resolver =>
    (_host, _options, callback) =>
      callback(
        null,
        addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
  const look = (resolve: Resolver, allowPrivate: boolean, options: { all?: boolean; family?: number } = {}) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((done) =>
      guardedLookup(allowPrivate, resolve)('hooks.example.com', options as never, (err, address, family) => done({ err, address, family })),
    );

  it('hands over the public address it checked', async () => {
    expect(await look(resolverOf('93.184.215.14'), false)).toEqual({ err: null, address: '93.184.215.14', family: 4 });
    const all = await look(resolverOf('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'), false, { all: true });
    expect(all.address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
  });

  it('refuses a name that resolves to a private address (DNS rebinding), even beside a public one', async () => {
    const { err } = await look(resolverOf('93.184.215.14', '127.0.0.1'), false);
    expect(err?.code).toBe('EWEBHOOKPRIVATE');
    expect(err?.message).toContain('hooks.example.com resolves to 127.0.0.1 (loopback)');
    expect((await look(resolverOf('::ffff:10.0.0.5'), false)).err?.message).toContain('(private)');
  });

  it('allows private addresses with WEBHOOK_ALLOW_PRIVATE', async () => {
    expect(await look(resolverOf('127.0.0.1'), true)).toEqual({ err: null, address: '127.0.0.1', family: 4 });
  });

  it('passes resolution errors on', async () => {
    const failing: Resolver = (_h, _o, callback) => callback(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    expect((await look(failing, false)).err?.code).toBe('ENOTFOUND');
    expect((await look(resolverOf(), false)).err?.code).toBe('ENOTFOUND');
  });
});
