// Which addresses an outbound request may connect to: public unicast only, unless the operator's
// allowlist (SHOAL_HTTP_ALLOW) opens a range or a host name. Applied to the address a connection is
// actually made to, after DNS, so a name cannot point somewhere else between check and connect.
import { BlockList, isIP } from 'node:net';

export type AddressClass =
  | 'cloud metadata'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade NAT'
  | 'multicast'
  | 'unspecified'
  | 'reserved'
  | 'IPv4-embedding IPv6';

/**
 * Metadata endpoints of the clouds (AWS, GCP, Azure, OpenStack: 169.254.169.254; AWS ECS 169.254.170.2;
 * AWS IPv6 fd00:ec2::254; Alibaba 100.100.100.200; Oracle 192.0.0.192). They sit inside refused
 * ranges anyway; a CIDR in the allowlist does not open them, only the address itself listed does.
 */
const METADATA = ['169.254.169.254', '169.254.170.2', '100.100.100.200', '192.0.0.192', 'fd00:ec2::254'];

const RANGES: ReadonlyArray<[AddressClass, string, number, 'ipv4' | 'ipv6']> = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['carrier-grade NAT', '100.64.0.0', 10, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  // ::/96 (IPv4-compatible), NAT64's 64:ff9b::/96 and 6to4's 2002::/16 carry an IPv4 address a gateway may reach
  ['IPv4-embedding IPv6', '::', 96, 'ipv6'],
  ['IPv4-embedding IPv6', '64:ff9b::', 96, 'ipv6'],
  ['IPv4-embedding IPv6', '64:ff9b:1::', 48, 'ipv6'],
  ['IPv4-embedding IPv6', '2002::', 16, 'ipv6'],
  ['reserved', '100::', 64, 'ipv6'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6'],
];

/** What SHOAL_HTTP_ALLOW opens: address ranges, and host names whose every address is allowed. */
export interface OutboundAllowList {
  /** `10.0.0.0/8`, `127.0.0.1/32`, `::1/128` (a bare address is a single-address range). */
  cidrs: string[];
  /** Lower-cased; `*.example.com` allows every name under example.com (not example.com itself). */
  hosts: string[];
}

export const EMPTY_ALLOW_LIST: OutboundAllowList = { cidrs: [], hosts: [] };

export type AllowListParse = { ok: true; value: OutboundAllowList } | { ok: false; error: string };

const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const MAX_ALLOW_ENTRIES = 1000;

/** Parses the comma- or space-separated allowlist; the error names the first bad entry. */
export function parseAllowList(text: string | undefined): AllowListParse {
  const entries = (text ?? '').split(/[\s,]+/).filter(Boolean);
  if (entries.length > MAX_ALLOW_ENTRIES) return { ok: false, error: `has more than ${MAX_ALLOW_ENTRIES} entries` };
  const value: OutboundAllowList = { cidrs: [], hosts: [] };
  for (const entry of entries) {
    const [addr, bits, extra] = entry.split('/');
    const family = isIP(unbracket(addr));
    if (family !== 0) {
      const max = family === 4 ? 32 : 128;
      const prefix = bits === undefined ? max : Number(bits);
      if (extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits)))
        return { ok: false, error: `entry '${entry}' has a bad prefix length (0-${max})` };
      value.cidrs.push(`${unbracket(addr).toLowerCase()}/${prefix}`);
    } else if (bits === undefined && HOST_NAME.test(entry.toLowerCase())) value.hosts.push(entry.toLowerCase());
    else return { ok: false, error: `entry '${entry}' is neither an address range (CIDR) nor a host name` };
  }
  return { ok: true, value };
}

export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** The 8 groups of an IPv6 address (which must be valid), dotted IPv4 tails included. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - h.length - t.length;
  return [...h, ...Array<string>(zeros).fill('0'), ...t].map((g) => parseInt(g, 16));
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stands for, or null. */
export function mappedIpv4(address: string): string | null {
  if (isIP(address) !== 6) return null;
  const g = ipv6Groups(address);
  if (g.slice(0, 5).some((x) => x !== 0) || g[5] !== 0xffff) return null;
  return `${g[6] >> 8}.${g[6] & 0xff}.${g[7] >> 8}.${g[7] & 0xff}`;
}

export interface AddressVerdict {
  allowed: boolean;
  /** Why it is refused; null when allowed. */
  refusedAs: AddressClass | null;
}

export class OutboundAddressPolicy {
  private readonly classes = new Map<AddressClass, BlockList>();
  private readonly allowed = new BlockList();
  private readonly allowedMetadata: ReadonlySet<string>;
  private readonly hosts: ReadonlySet<string>;
  private readonly hostSuffixes: readonly string[];

  constructor(allow: OutboundAllowList = EMPTY_ALLOW_LIST) {
    for (const [cls, net, prefix, type] of RANGES) {
      let list = this.classes.get(cls);
      if (!list) this.classes.set(cls, (list = new BlockList()));
      list.addSubnet(net, prefix, type);
    }
    const exact = new Set<string>();
    for (const cidr of allow.cidrs) {
      const [addr, bits] = cidr.split('/');
      const type = isIP(addr) === 4 ? 'ipv4' : 'ipv6';
      this.allowed.addSubnet(addr, Number(bits), type);
      if (Number(bits) === (type === 'ipv4' ? 32 : 128)) exact.add(canonical(addr));
    }
    this.allowedMetadata = exact;
    this.hosts = new Set(allow.hosts.filter((h) => !h.startsWith('*.')));
    this.hostSuffixes = allow.hosts.filter((h) => h.startsWith('*.')).map((h) => h.slice(1));
  }

  /** Whether the allowlist names this host (exactly, or under a `*.` entry). */
  allowsHost(host: string): boolean {
    const h = host.toLowerCase().replace(/\.$/, '');
    return this.hosts.has(h) || this.hostSuffixes.some((s) => h.endsWith(s));
  }

  /** The verdict on connecting to `address` (an IP literal). */
  check(address: string): AddressVerdict {
    const ip = unbracket(address);
    const family = isIP(ip);
    if (family === 0) return { allowed: false, refusedAs: 'reserved' };
    // an IPv4-mapped IPv6 address reaches the IPv4 address: judge that one
    const v4 = mappedIpv4(ip);
    const addr = v4 ?? ip;
    const type = v4 || family === 4 ? 'ipv4' : 'ipv6';
    if (METADATA.some((m) => canonical(m) === canonical(addr)))
      return this.allowedMetadata.has(canonical(addr)) ? ALLOWED : { allowed: false, refusedAs: 'cloud metadata' };
    if (this.allowed.check(addr, type)) return ALLOWED;
    for (const [cls, list] of this.classes) if (list.check(addr, type)) return { allowed: false, refusedAs: cls };
    return ALLOWED;
  }
}

const ALLOWED: AddressVerdict = { allowed: true, refusedAs: null };

function canonical(address: string): string {
  return isIP(address) === 6 ? ipv6Groups(address).join(':') : address;
}
