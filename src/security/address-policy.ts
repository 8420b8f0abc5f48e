import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses ce-relay may connect to on a user's behalf (sinks, upstreams): public unicast
 * addresses, plus the CIDRs of an explicit allowlist. Loopback, private, link-local (including
 * 169.254.169.254), unique-local, carrier-grade NAT and every other special range are refused.
 */
export interface AddressPolicy {
  isAllowed(address: string): boolean;
  /** Resolves `url`'s host and says why it is refused, or undefined when every address is allowed. */
  check(url: string): Promise<string | undefined>;
  /** A `dns.lookup` replacement that only ever answers allowed addresses (checked at connect time). */
  readonly lookup: typeof dnsLookup;
}

/**
 * The IPv4 addresses an IPv6 address carries, for the forms that reach an IPv4 host: mapped
 * (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`), translated (`::ffff:0:a.b.c.d`), NAT64
 * (`64:ff9b::/96`, `64:ff9b:1::/48`), 6to4 (`2002::/16`) and Teredo (`2001::/32`: its server and
 * its client). Undefined for any other IPv6 address.
 */
export function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4[] | undefined {
  const p = ip.parts;
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
  const zero = (from: number, to: number) => p.slice(from, to).every((part) => part === 0);
  if (zero(0, 5) && (p[5] === 0 || p[5] === 0xffff)) return [v4(p[6]!, p[7]!)];
  if (zero(0, 4) && p[4] === 0xffff && p[5] === 0) return [v4(p[6]!, p[7]!)];
  if (p[0] === 0x64 && p[1] === 0xff9b) return [v4(p[6]!, p[7]!)];
  if (p[0] === 0x2002) return [v4(p[1]!, p[2]!)];
  if (p[0] === 0x2001 && p[1] === 0) return [v4(p[2]!, p[3]!), v4(~p[6]! & 0xffff, ~p[7]! & 0xffff)];
  return undefined;
}

export function createAddressPolicy(allowCidrs: readonly string[]): AddressPolicy {
  const allowed = allowCidrs.map((cidr) => ipaddr.parseCIDR(cidr));
  const allowlisted = (ip: ipaddr.IPv4 | ipaddr.IPv6) =>
    allowed.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits));
  const isAllowedIp = (ip: ipaddr.IPv4 | ipaddr.IPv6): boolean => {
    if (allowlisted(ip)) return true;
    // An IPv6 form of an IPv4 address is judged by the IPv4 hosts it reaches, never by its own range.
    const inner = ip.kind() === 'ipv6' ? embeddedIPv4(ip as ipaddr.IPv6) : undefined;
    if (inner) return inner.every(isAllowedIp);
    return ip.range() === 'unicast';
  };
  const isAllowed = (address: string): boolean =>
    ipaddr.isValid(address) && isAllowedIp(ipaddr.parse(address));

  const resolve = (host: string): Promise<LookupAddress[]> =>
    new Promise((resolve, reject) =>
      dnsLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
    );

  const lookup = ((hostname: string, options: unknown, callback: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void;
    const wantsAll =
      typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    resolve(hostname).then(
      (addresses) => {
        const usable = addresses.filter((a) => isAllowed(a.address));
        if (usable.length === 0) {
          const error: NodeJS.ErrnoException = new Error(
            `${hostname} resolves only to addresses ce-relay may not connect to`,
          );
          error.code = 'EADDRNOTALLOWED';
          cb(error, wantsAll ? [] : '', 0);
          return;
        }
        if (wantsAll) cb(null, usable);
        else cb(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => cb(error, wantsAll ? [] : '', 0),
    );
  }) as typeof dnsLookup;

  return {
    isAllowed,
    lookup,
    async check(url) {
      if (!URL.canParse(url)) return 'is not a URL';
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      if (isIP(host)) return literalRefused(url, { isAllowed });
      let addresses: LookupAddress[];
      try {
        addresses = await resolve(host);
      } catch (error) {
        return `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      }
      const refused = addresses.find((a) => !isAllowed(a.address));
      return refused ? `${host} resolves to ${refused.address}, which is not a public address` : undefined;
    },
  };
}

/**
 * For a URL whose host is an IP literal (no DNS lookup happens, so the guarded lookup is never
 * asked): the reason it is refused, or undefined.
 */
export function literalRefused(url: string, policy: Pick<AddressPolicy, 'isAllowed'>): string | undefined {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) && !policy.isAllowed(host) ? `${host} is not a public address` : undefined;
}
