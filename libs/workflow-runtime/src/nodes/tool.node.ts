// tool: one tool of a built-in provider (pure code, here) or of the tenant's MCP server (through the
// ToolInvoker port), with Dify's outputs text, files, json and any variables the tool returned. Files
// a tool returns as bytes (MCP images, audio, binary resources) are stored through the run's file
// store and output as Dify's tool files.
import type { ToolNode } from '@shoal/workflow-dsl';
import type { NodeExecutor, NodeRunContext } from '../node-executor';
import type { ToolCallOutput } from '../ports';
import { errorMessage } from '../error-message';
import { builtinTool } from '../tools/builtin-tools';
import { castToolParameters, generateToolParameters, ToolParameterError } from '../tools/tool-parameters';
import { ToolInvokeError } from '../tools/builtin-tool';
import { toolFileObject } from './tool-file';

/** Dify's ToolNodeError: the tool could not be found or called. */
export class ToolNodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolNodeError';
  }
}

const OUTPUT_NAMES = new Set(['text', 'files', 'json']);

export const toolNodeExecutor: NodeExecutor<ToolNode> = {
  callsLlm: false,
  async execute(node, ctx) {
    const { data } = node;
    let output: ToolCallOutput;
    let inputs: Record<string, unknown>;
    if (data.provider_type === 'builtin') {
      const tool = builtinTool(data.provider_id, data.tool_name);
      if (!tool)
        throw new ToolNodeError(
          `Failed to get tool runtime: there is no built-in tool '${data.tool_name}' in provider '${data.provider_id}'`,
        );
      const required = new Set(tool.parameters.filter((p) => p.required).map((p) => p.name));
      inputs = generateToolParameters(data, ctx.pool.lookup, (n) => required.has(n));
      const params = castToolParameters(tool.parameters, inputs);
      try {
        output = tool.invoke(params, { now: () => ctx.clock.now() });
      } catch (e) {
        if (e instanceof ToolInvokeError || e instanceof ToolParameterError) throw new ToolNodeError(`Failed to invoke tool: ${e.message}`);
        throw new ToolNodeError(`Failed to invoke tool: ${errorMessage(e)}`);
      }
    } else {
      inputs = generateToolParameters(data, ctx.pool.lookup, () => false);
      output = await invokeRemote(ctx, node, inputs);
    }
    const files = [...output.files, ...(await storedBlobs(ctx, output))];
    return {
      inputs,
      outputs: outputsOf({ ...output, files }),
      processData: { tool_info: { provider_type: data.provider_type, provider_id: data.provider_id } },
    };
  },
};

async function invokeRemote(ctx: NodeRunContext, node: ToolNode, parameters: Record<string, unknown>): Promise<ToolCallOutput> {
  try {
    return await ctx.tools.invoke({
      providerType: 'mcp',
      providerId: node.data.provider_id,
      toolName: node.data.tool_name,
      parameters,
      runId: ctx.runId,
      nodeId: node.id,
      signal: ctx.signal,
    });
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new ToolNodeError(`Failed to invoke tool: ${errorMessage(e)}`);
  }
}

/** The files the tool returned as bytes, stored for the run's tenant, as Dify's tool files. */
async function storedBlobs(ctx: NodeRunContext, output: ToolCallOutput): Promise<Array<Record<string, unknown>>> {
  const blobs = output.blobs ?? [];
  if (blobs.length === 0) return [];
  const store = ctx.fileStore;
  if (!store) throw new ToolNodeError(`the tool returned ${blobs.length} file(s), and this run has no file store to keep them in`);
  const files: Array<Record<string, unknown>> = [];
  for (const blob of blobs) {
    try {
      const stored = await store.save(blob, ctx.signal);
      files.push(toolFileObject({ ...blob, size: blob.bytes.byteLength }, stored));
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      throw new ToolNodeError(`could not store the file ${blob.filename} the tool returned: ${errorMessage(e)}`);
    }
  }
  return files;
}

/** Dify's outputs: json is `[{data: []}]` when the tool returned none; variables never shadow the three. */
function outputsOf(out: ToolCallOutput): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(out.variables ?? {})) if (!OUTPUT_NAMES.has(k)) outputs[k] = v;
  outputs.text = out.text;
  outputs.files = out.files;
  outputs.json = out.json.length ? out.json : [{ data: [] }];
  return outputs;
}
