import { OutboundAddressPolicy, mappedIpv4, parseAllowList } from './address-policy';

describe('OutboundAddressPolicy', () => {
  const policy = new OutboundAddressPolicy();

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.170.2', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::ffff:a9fe:a9fe', 'cloud metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'IPv4-embedding IPv6'],
    ['2002:7f00:1::', 'IPv4-embedding IPv6'],
    ['255.255.255.255', 'reserved'],
  ])('refuses %s as %s', (address, cls) => {
    expect(policy.check(address)).toEqual({ allowed: false, refusedAs: cls });
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('allows public %s', (address) => {
    expect(policy.check(address).allowed).toBe(true);
  });

  it('opens the ranges and hosts of the allowlist, but not metadata addresses inside a range', () => {
    const allow = parseAllowList('127.0.0.1/32, 10.0.0.0/8 169.254.0.0/16 ::1 internal.example *.corp.example');
    expect(allow.ok).toBe(true);
    const open = new OutboundAddressPolicy(allow.ok ? allow.value : undefined);
    expect(open.check('127.0.0.1').allowed).toBe(true);
    expect(open.check('::ffff:127.0.0.1').allowed).toBe(true);
    expect(open.check('127.0.0.2').allowed).toBe(false);
    expect(open.check('10.9.9.9').allowed).toBe(true);
    expect(open.check('::1').allowed).toBe(true);
    expect(open.check('169.254.1.1').allowed).toBe(true);
    expect(open.check('169.254.169.254')).toEqual({ allowed: false, refusedAs: 'cloud metadata' });
    expect(open.allowsHost('internal.example')).toBe(true);
    expect(open.allowsHost('INTERNAL.example.')).toBe(true);
    expect(open.allowsHost('a.b.corp.example')).toBe(true);
    expect(open.allowsHost('corp.example')).toBe(false);
    expect(open.allowsHost('evilinternal.example')).toBe(false);
    const exact = parseAllowList('169.254.169.254');
    expect(new OutboundAddressPolicy(exact.ok ? exact.value : undefined).check('169.254.169.254').allowed).toBe(true);
  });
});

describe('parseAllowList', () => {
  it('reads CIDRs, bare addresses and host names, comma or space separated', () => {
    expect(parseAllowList(' 10.0.0.0/8,[::1] fd00::/8 , api.internal ')).toEqual({
      ok: true,
      value: { cidrs: ['10.0.0.0/8', '::1/128', 'fd00::/8'], hosts: ['api.internal'] },
    });
    expect(parseAllowList(undefined)).toEqual({ ok: true, value: { cidrs: [], hosts: [] } });
  });

  it.each([
    ['10.0.0.0/33', /bad prefix length/],
    ['10.0.0.0/x', /bad prefix length/],
    ['::1/129', /bad prefix length/],
    ['http://x', /neither/],
    ['bad_host!', /neither/],
    ['10.0.0.0/8/1', /bad prefix length/],
  ])('names the bad entry %s', (text, error) => {
    const r = parseAllowList(text);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(error);
  });
});

describe('mappedIpv4', () => {
  it('reads the IPv4 address of an IPv4-mapped IPv6 address, in either spelling', () => {
    expect(mappedIpv4('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(mappedIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(mappedIpv4('0:0:0:0:0:ffff:c0a8:0101')).toBe('192.168.1.1');
    expect(mappedIpv4('::1')).toBeNull();
    expect(mappedIpv4('127.0.0.1')).toBeNull();
  });
});
