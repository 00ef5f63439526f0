import { z } from 'zod';
import { ApiError } from '../errors/api-error';
import { jsonPath, parseBody } from './parse-body';

describe('jsonPath', () => {
  it('renders zod paths the way users read JSON paths', () => {
    expect(jsonPath('', ['graph', 'nodes', 1, 'data', 'model', 'name'])).toBe('graph.nodes[1].data.model.name');
    expect(jsonPath('query', ['limit'])).toBe('query.limit');
    expect(jsonPath('', [0, 'role'])).toBe('[0].role');
    expect(jsonPath('messages', [2, 'content', 0])).toBe('messages[2].content[0]');
    expect(jsonPath('', [])).toBe('');
  });
});

const schema = z.object({
  name: z.string().trim().min(1, 'must not be empty'),
  graph: z.object({
    nodes: z.array(z.object({ id: z.string(), data: z.object({ model: z.object({ name: z.string().min(1) }).optional() }) })),
  }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

function validationError(body: unknown, root?: string): ApiError {
  try {
    parseBody(schema, body, root);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected parseBody to throw');
}

describe('parseBody', () => {
  it('returns the parsed value with defaults and coercions applied', () => {
    const out = parseBody(schema, { name: '  wf  ', graph: { nodes: [] }, limit: '5' });
    expect(out).toEqual({ name: 'wf', graph: { nodes: [] }, limit: 5 });
  });

  it('answers 400 naming a nested field by its JSON path', () => {
    const err = validationError({
      name: 'wf',
      graph: {
        nodes: [
          { id: 'a', data: {} },
          { id: 'b', data: { model: { name: '' } } },
        ],
      },
    });
    expect(err.status).toBe(400);
    expect(err.code).toBe('validation_failed');
    expect(err.opts.issues).toHaveLength(1);
    expect(err.opts.issues![0].path).toBe('graph.nodes[1].data.model.name');
    expect(err.message).toContain('graph.nodes[1].data.model.name');
  });

  it('lists every failing field, and calls absent ones "is required"', () => {
    const err = validationError({ graph: { nodes: [{ data: {} }] } });
    expect(err.opts.issues!.map((i) => [i.path, i.message])).toEqual([
      ['name', 'is required'],
      ['graph.nodes[0].id', 'is required'],
    ]);
  });

  it('prefixes paths with the root it is given (query strings)', () => {
    const err = validationError({ name: 'x', graph: { nodes: [] }, limit: '0' }, 'query');
    expect(err.opts.issues!.map((i) => i.path)).toEqual(['query.limit']);
  });

  it.each([[undefined], [null], [[{ name: 'x' }]]])('refuses a body that is not a JSON object (%p)', (body) => {
    const err = validationError(body);
    expect(err.status).toBe(400);
    expect(err.opts.issues).toEqual([{ path: 'body', message: 'must be a JSON object', code: 'invalid_type' }]);
  });

  // A field that was sent with the wrong type is not missing: telling a user "name is required"
  // when they sent `"name": 42` sends them looking for a typo in the key.
  it('does not call a field that is present but of the wrong type "required"', () => {
    const err = validationError({ name: 42, graph: { nodes: [] } });
    expect(err.opts.issues![0].path).toBe('name');
    expect(err.opts.issues![0].message).not.toBe('is required');
  });
});
