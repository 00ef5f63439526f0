import { OutboundAddressPolicy, parseAllowList } from './address-policy';
import { pickAddress, type HostResolver } from './guarded.connector';

const dns =
  (answers: Record<string, string[]>): HostResolver =>
  async (host) =>
    (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('pickAddress', () => {
  const allow = parseAllowList('build.internal 10.1.0.0/16');
  const policy = new OutboundAddressPolicy(allow.ok ? allow.value : undefined);
  const resolve = dns({
    'build.internal': ['10.9.9.9'],
    'meta.internal': ['169.254.169.254'],
    'public.example': ['93.184.216.34'],
    'split.example': ['192.168.1.1', '10.1.2.3', '93.184.216.34'],
  });

  it('connects a public name to its address, and a name the allowlist opens to its inside address', async () => {
    expect(await pickAddress('public.example', policy, resolve)).toBe('93.184.216.34');
    expect(await pickAddress('build.internal', policy, resolve)).toBe('10.9.9.9');
  });

  it('takes the first allowed answer of several', async () => {
    expect(await pickAddress('split.example', policy, resolve)).toBe('10.1.2.3');
  });

  it('never opens a metadata address through a host entry', async () => {
    const byName = new OutboundAddressPolicy({ cidrs: [], hosts: ['meta.internal'] });
    await expect(pickAddress('meta.internal', byName, resolve)).rejects.toMatchObject({
      code: 'address_refused',
      addressClass: 'cloud metadata',
    });
  });

  it('checks literal addresses without resolving, brackets or not', async () => {
    const never: HostResolver = () => Promise.reject(new Error('must not resolve'));
    expect(await pickAddress('10.1.0.1', policy, never)).toBe('10.1.0.1');
    await expect(pickAddress('[::1]', policy, never)).rejects.toMatchObject({ addressClass: 'loopback' });
  });

  it('names a name without addresses', async () => {
    await expect(pickAddress('nothing.example', policy, resolve)).rejects.toMatchObject({ code: 'dns_failed' });
  });
});
