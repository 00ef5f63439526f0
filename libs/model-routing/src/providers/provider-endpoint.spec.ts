import { endpointUrl } from './provider-endpoint';

describe('endpointUrl', () => {
  it.each([
    ['https://api.openai.com/v1', 'openai', 'https://api.openai.com/v1/chat/completions'],
    ['https://api.openai.com', 'openai', 'https://api.openai.com/v1/chat/completions'],
    ['http://127.0.0.1:11434/', 'openai-compatible', 'http://127.0.0.1:11434/v1/chat/completions'],
    ['http://vllm.local:8000/v1/', 'openai-compatible', 'http://vllm.local:8000/v1/chat/completions'],
    [
      'https://dashscope.aliyuncs.com/compatible-mode/v1',
      'openai-compatible',
      'https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions',
    ],
    ['https://open.bigmodel.cn/api/paas/v4', 'openai-compatible', 'https://open.bigmodel.cn/api/paas/v4/chat/completions'],
    ['https://api.moonshot.cn/v1/chat/completions', 'openai-compatible', 'https://api.moonshot.cn/v1/chat/completions'],
    ['https://api.deepseek.com', 'deepseek', 'https://api.deepseek.com/chat/completions'],
    ['https://api.deepseek.com/v1', 'deepseek', 'https://api.deepseek.com/v1/chat/completions'],
    ['https://api.deepseek.com/beta', 'deepseek', 'https://api.deepseek.com/beta/chat/completions'],
  ] as const)('%s (%s) → %s', (base, provider, url) => {
    expect(endpointUrl(base, provider, 'chat/completions')).toBe(url);
  });

  it('builds the embeddings endpoint the same way', () => {
    expect(endpointUrl('http://127.0.0.1:11434', 'openai-compatible', 'embeddings')).toBe('http://127.0.0.1:11434/v1/embeddings');
    expect(endpointUrl('https://api.openai.com/v1/embeddings', 'openai', 'embeddings')).toBe('https://api.openai.com/v1/embeddings');
  });
});
