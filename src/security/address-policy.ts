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

function normalize(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
}

export function createAddressPolicy(allowCidrs: readonly string[]): AddressPolicy {
  const allowed = allowCidrs.map((cidr) => ipaddr.parseCIDR(cidr));
  const isAllowed = (address: string): boolean => {
    if (!ipaddr.isValid(address)) return false;
    const ip = normalize(address);
    if (ip.range() === 'unicast') return true;
    return allowed.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits));
  };

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
