// The document-extractor node (Dify's): the text of the file, or of each file of the list, at `variable_selector`.
import { z } from 'zod';
import { baseDataShape, normalizeData, selectorSchema, type BaseNodeData, type NodeDefinition } from './node-definition';

export interface DocumentExtractorNodeData extends BaseNodeData {
  type: 'document-extractor';
  /** `[nodeId, field, ...path]`: a file or a list of files. */
  variable_selector: string[];
  /** What Dify's editor recorded about the variable (a list of files); the run goes by the value itself. */
  is_array_file: boolean;
}

/** `text`: a string for one file, a list of strings for a list of files. */
export const DOCUMENT_EXTRACTOR_OUTPUT_FIELDS = ['text'] as const;

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('document-extractor'),
  variable_selector: selectorSchema,
  is_array_file: z.boolean().nullish(),
});
type Parsed = z.infer<typeof schema>;

export const documentExtractorNodeDefinition: NodeDefinition<DocumentExtractorNodeData, Parsed> = {
  type: 'document-extractor',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'document-extractor', nodeId, {
      variable_selector: parsed.variable_selector,
      is_array_file: parsed.is_array_file === true,
    }),
  references: (parsed) => [{ path: ['variable_selector'], selector: parsed.variable_selector }],
  outputFields: () => DOCUMENT_EXTRACTOR_OUTPUT_FIELDS,
};
