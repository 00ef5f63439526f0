// document-extractor: the text of the file at `variable_selector` (a string), or of each file of a list
// (a list of strings), read and parsed through the DocumentReader port. As Dify's node: an empty value
// gives `text: []`, a value that is not a file or a list of files fails the node, and the first file
// that cannot be read fails it with that file's error.
import type { DocumentExtractorNode } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';
import type { DocumentReader, RunFile } from '../ports';
import { errorMessage } from '../error-message';

/** Files one node reads at most (a run names at most 100 uploads). */
export const MAX_DOCUMENTS_PER_NODE = 100;

/** The node's failures; the class name is the node's error_type, as Dify names its errors. */
export class DocumentExtractorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentExtractorError';
  }
}

export function isRunFile(value: unknown): value is RunFile {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && (value as RunFile).dify_model_identity === '__dify__file__'
  );
}

/** Python's truthiness, which Dify's `if not value` applies. */
function isEmpty(value: unknown): boolean {
  return (
    value === null || value === undefined || value === '' || value === 0 || value === false || (Array.isArray(value) && value.length === 0)
  );
}

export const documentExtractorNodeExecutor: NodeExecutor<DocumentExtractorNode> = {
  callsLlm: false,
  async execute(node, ctx) {
    const selector = node.data.variable_selector;
    const where = selector.join('.');
    const value = ctx.pool.get(selector);
    if (value === undefined) throw new DocumentExtractorError(`File variable not found for selector: ${where}`);
    const isList = Array.isArray(value);
    if (!isEmpty(value) && !(isList ? value.every((f) => isEmpty(f) || isRunFile(f)) : isRunFile(value)))
      throw new DocumentExtractorError(`Variable ${where} is not a file or a list of files`);
    const files = (isList ? value : [value]).filter((f): f is RunFile => !isEmpty(f));
    const inputs = { variable_selector: selector };
    const processData = { documents: files };
    if (files.length === 0) return { inputs, outputs: { text: [] }, processData };
    if (files.length > MAX_DOCUMENTS_PER_NODE)
      throw new DocumentExtractorError(`Variable ${where} holds ${files.length} files; a node reads at most ${MAX_DOCUMENTS_PER_NODE}`);
    const texts: string[] = [];
    for (const file of files) texts.push(await extract(ctx.documents, file, ctx.signal));
    return { inputs, outputs: { text: isList ? texts : texts[0] }, processData };
  },
};

async function extract(reader: DocumentReader, file: RunFile, signal: AbortSignal): Promise<string> {
  try {
    return await reader.extractText(file, signal);
  } catch (e) {
    if (signal.aborted) throw e;
    throw new DocumentExtractorError(errorMessage(e));
  }
}
