import { banner, type BannerInput } from './banner';

const KEY = 'sk-shoal-ABCDefghijklmnopqrstuvwxyz012345';
const base: Omit<BannerInput, 'admin'> = {
  url: 'http://127.0.0.1:8080',
  readySeconds: 1.25,
  dataDir: '/home/you/.shoal',
  models: ['mock-chat'],
  workflowId: 'wf_1',
};

describe('standalone banner', () => {
  it('shows the admin key in full on the start that created it, and where it is kept', () => {
    const text = banner({ ...base, admin: { key: KEY, source: { kind: 'created', file: '/home/you/.shoal/admin-api-key' } } });
    expect(text).toContain(`API key:  ${KEY}`);
    expect(text).toContain('/home/you/.shoal/admin-api-key, mode 0600');
  });

  it('shows only the prefix and the file on later starts; the commands read the key from the file', () => {
    const text = banner({ ...base, admin: { key: KEY, source: { kind: 'file', file: '/home/you/.shoal/admin-api-key' } } });
    expect(text).not.toContain(KEY);
    expect(text).toContain('API key:  sk-shoal-ABCD…   (kept in /home/you/.shoal/admin-api-key, mode 0600)');
    expect(text).toContain(`SHOAL_KEY="$(cat '/home/you/.shoal/admin-api-key')"`);
    expect(text).toContain('curl -s http://127.0.0.1:8080/v1/workflows/wf_1/runs');
    expect(text).toContain('-H "Authorization: Bearer $SHOAL_KEY"');
  });

  it('never prints a key given in SHOAL_BOOTSTRAP_KEY', () => {
    const text = banner({ ...base, admin: { key: KEY, source: { kind: 'env' } } });
    expect(text).not.toContain(KEY);
    expect(text).toContain('SHOAL_KEY="$SHOAL_BOOTSTRAP_KEY"');
  });
});
