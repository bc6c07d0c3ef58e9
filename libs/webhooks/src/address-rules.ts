import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may not deliver (SSRF): every address that is not globally reachable unicast, after the IANA
 * special-purpose registries (RFC 6890 and successors). IPv4-mapped and NAT64 IPv6 addresses are judged by the
 * IPv4 address they carry; the deprecated IPv4-compatible ones (::a.b.c.d) are refused.
 */
const V4_RANGES: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const V6_RANGES: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'reserved'],
  ['100::', 64, 'reserved'],
  ['2001::', 23, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['2002::', 16, 'reserved'],
  ['3fff::', 20, 'reserved'],
  ['5f00::', 16, 'reserved'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'reserved'],
  ['ff00::', 8, 'multicast'],
];

function blockList(ranges: Array<[string, number, string]>, type: 'ipv4' | 'ipv6'): Array<[BlockList, string]> {
  return ranges.map(([net, prefix, kind]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, type);
    return [list, kind];
  });
}
const V4 = blockList(V4_RANGES, 'ipv4');
const V6 = blockList(V6_RANGES, 'ipv6');

/** The IPv4 address an IPv6 address reaches through (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d), or null. */
export function embeddedIPv4(address: string): string | null {
  const words = expandIPv6(address);
  if (!words) return null;
  const tail = () => `${words[6] >> 8}.${words[6] & 255}.${words[7] >> 8}.${words[7] & 255}`;
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zeros(0, 5) && words[5] === 0xffff) return tail();
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return tail();
  return null;
}

/** The eight 16-bit words of an IPv6 address (dotted IPv4 tails and zone ids accepted), or null when it is not one. */
function expandIPv6(address: string): number[] | null {
  let a = address.replace(/%.*$/, '');
  if (isIP(a) !== 6) return null;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) {
    const [p, q, r, s] = dotted[1].split('.').map(Number);
    a = a.slice(0, -dotted[1].length) + `${((p << 8) | q).toString(16)}:${((r << 8) | s).toString(16)}`;
  }
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  const all = tail === undefined ? left : [...left, ...Array<string>(missing).fill('0'), ...right];
  return all.map((w) => parseInt(w, 16));
}

/**
 * Why `address` (an IP literal) is not a public destination, or null when it is one. A string that is not an IP
 * address is refused too: the caller resolves names first.
 */
export function forbiddenAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare.replace(/%.*$/, ''));
  if (family === 4) {
    for (const [list, kind] of V4) if (list.check(bare, 'ipv4')) return kind;
    return null;
  }
  if (family === 6) {
    const v4 = embeddedIPv4(bare);
    if (v4) return forbiddenAddressReason(v4);
    const plain = bare.replace(/%.*$/, '');
    for (const [list, kind] of V6) if (list.check(plain, 'ipv6')) return kind;
    return null;
  }
  return 'not an IP address';
}

export const WEBHOOK_URL_MAX_LENGTH = 2048;

/** A webhook URL as the rules see it: only http(s), no credentials, a host; why not, otherwise. */
export function parseWebhookUrl(raw: string): { url: URL; host: string } | { error: string } {
  if (raw.length > WEBHOOK_URL_MAX_LENGTH) return { error: `url must be at most ${WEBHOOK_URL_MAX_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: 'url must be an absolute http or https URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'url must use http or https' };
  if (url.username || url.password) return { error: 'url must not contain credentials' };
  // WHATWG parsing already turned decimal, octal and hex IPv4 forms into dotted quads; IPv6 keeps its brackets.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) return { error: 'url must name a host' };
  return { url, host };
}
