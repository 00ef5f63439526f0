import { validateRunFiles } from '@shoal/workflow-dsl';
import { DEFAULT_FILE_LIMITS } from './file-limits';
import { runFileRules } from './run-file-rules';

const graphWith = (file_upload: unknown) => ({ nodes: [], edges: [], features: { file_upload } });

describe('runFileRules', () => {
  it('follows an app whose file upload is on: its kinds, extensions, methods and count (within the configured count)', () => {
    const on = runFileRules(
      graphWith({ enabled: true, number_limits: 2, allowed_file_types: ['image'], allowed_file_upload_methods: ['remote_url'] }),
      DEFAULT_FILE_LIMITS,
    );
    expect(on).toEqual({
      max: 2,
      rules: { allowed_file_types: ['image'], allowed_file_extensions: undefined, allowed_file_upload_methods: ['remote_url'] },
    });
    const messages = (files: unknown[]) => {
      const r = validateRunFiles(files, on);
      return r.ok ? [] : r.issues.map((i) => i.message);
    };
    expect(messages(['https://a.example/x.png'])).toEqual([]);
    expect(messages(['https://a.example/x.pdf'])).toEqual([expect.stringMatching(/^files\[0\] has type 'document'/)]);
    expect(messages([{ type: 'image', transfer_method: 'local_file', upload_file_id: 'file_x' }])).toEqual([
      expect.stringMatching(/does not take uploads/),
    ]);
    expect(messages(['https://a.example/1.png', 'https://a.example/2.png', 'https://a.example/3.png'])).toEqual([
      'files must hold at most 2 files (got 3)',
    ]);
    expect(runFileRules(graphWith({ enabled: true, number_limits: 500 }), DEFAULT_FILE_LIMITS).max).toBe(DEFAULT_FILE_LIMITS.maxRunFiles);
  });

  it('takes any file, up to the configured count, when the app’s file upload is off or unset (Dify then ignores its settings)', () => {
    const any = { max: DEFAULT_FILE_LIMITS.maxRunFiles, rules: {} };
    expect(runFileRules(graphWith({ enabled: false, allowed_file_types: ['image'], number_limits: 1 }), DEFAULT_FILE_LIMITS)).toEqual(any);
    expect(runFileRules({ nodes: [] }, DEFAULT_FILE_LIMITS)).toEqual(any);
    expect(runFileRules(null, DEFAULT_FILE_LIMITS)).toEqual(any);
  });
});
