// Dify's parameter-extractor prompts (graphon nodes/parameter_extractor/prompts.py) and how its node
// puts them together: function calling (chat models) or a JSON prompt (chat or completion models),
// each with Dify's two worked examples in front of the last user message.
import type { ExtractorParameter } from '@shoal/workflow-dsl';
import type { LlmMessage, LlmTool } from '../ports';
import { pythonJsonDumps } from '../llm/python-json';

export const EXTRACTOR_FUNCTION_NAME = 'extract_parameters';

const FUNCTION_SYSTEM = (histories: string, instruction: string) =>
  'You are a helpful assistant tasked with extracting structured information based on specific criteria provided. Follow the guidelines below to ensure consistency and accuracy.\n' +
  '### Task\n' +
  `Always call the \`${EXTRACTOR_FUNCTION_NAME}\` function with the correct parameters. Ensure that the information extraction is contextual and aligns with the provided criteria.\n` +
  '### Memory\n' +
  'Here is the chat history between the human and assistant, provided within <histories> tags:\n' +
  '<histories>\n' +
  `${histories}\n` +
  '</histories>\n' +
  '### Instructions:\n' +
  'Some additional information is provided below. Always adhere to these instructions as closely as possible:\n' +
  '<instruction>\n' +
  `${instruction}\n` +
  '</instruction>\n' +
  'Steps:\n' +
  '1. Review the chat history provided within the <histories> tags.\n' +
  '2. Extract the relevant information based on the criteria given, output multiple values if there is multiple relevant information that match the criteria in the given text.\n' +
  '3. Generate a well-formatted output using the defined functions and arguments.\n' +
  `4. Use the \`${EXTRACTOR_FUNCTION_NAME}\` function to create structured outputs with appropriate parameters.\n` +
  '5. Do not include any XML tags in your output.\n' +
  '### Example\n' +
  "To illustrate, if the task involves extracting a user's name and their request, your function call might look like this: Ensure your output follows a similar structure to examples.\n" +
  '### Final Output\n' +
  'Produce well-formatted function calls in json without XML tags, as shown in the example.';

const FUNCTION_USER = (content: string, structure: string) =>
  `extract structured information from context inside <context></context> XML tags by calling the function ${EXTRACTOR_FUNCTION_NAME} with the correct parameters with structure inside <structure></structure> XML tags.\n` +
  `<context>\n${content}\n</context>\n\n<structure>\n${structure}\n</structure>`;

const CHAT_SYSTEM = (histories: string, instruction: string) =>
  'You should always follow the instructions and output a valid JSON object.\n' +
  'The structure of the JSON object you can found in the instructions.\n\n' +
  '### Memory\n' +
  'Here are the chat histories between human and assistant, inside <histories></histories> XML tags.\n' +
  `<histories>\n${histories}\n</histories>\n\n` +
  '### Instructions:\n' +
  'Some extra information are provided below, you should always follow the instructions as possible as I can.\n' +
  `<instructions>\n${instruction}\n</instructions>`;

const CHAT_USER = (structure: string, text: string) =>
  '### Structure\n' +
  'Here is the structure of the JSON object, you should always follow the structure.\n' +
  `<structure>\n${structure}\n</structure>\n\n` +
  '### Text to be converted to JSON\n' +
  'Inside <text></text> XML tags, there is a text that you should convert to a JSON object.\n' +
  `<text>\n${text}\n</text>`;

const COMPLETION = (histories: string, text: string, instruction: string, structure: string) =>
  '### Instructions:\n' +
  'Some extra information are provided below, I should always follow the instructions as possible as I can.\n' +
  `<instructions>\n${instruction}\n</instructions>\n\n` +
  '### Extract parameter Workflow\n' +
  "I need to extract the following information from the input text. The <information to be extracted> tag specifies the 'type', 'description' and 'required' of the information to be extracted.\n" +
  `<information to be extracted>\n${structure}\n</information to be extracted>\n\n` +
  'Step 1: Carefully read the input and understand the structure of the expected output.\n' +
  'Step 2: Extract relevant parameters from the provided text based on the name and description of object.\n' +
  'Step 3: Structure the extracted parameters to JSON object as specified in <structure>.\n' +
  'Step 4: Ensure that the JSON object is properly formatted and valid. The output should not contain any XML tags. Only the JSON object should be outputted.\n\n' +
  '### Memory\n' +
  'Here are the chat histories between human and assistant, inside <histories></histories> XML tags.\n' +
  `<histories>\n${histories}\n</histories>\n\n` +
  '### Structure\n' +
  'Here is the structure of the expected output, I should always follow the output structure.\n' +
  "\n  'properties1': 'relevant text extracted from input',\n  'properties2': 'relevant text extracted from input',\n\n\n" +
  '### Input Text\n' +
  'Inside <text></text> XML tags, there is a text that I should extract parameters and convert to a JSON object.\n' +
  `<text>\n${text}\n</text>\n\n` +
  '### Answer\n' +
  'I should always output a valid JSON object. Output nothing other than the JSON object.\n' +
  '```JSON';

const EXAMPLES = [
  {
    query: 'What is the weather today in SF?',
    name: 'location',
    description: 'The location to get the weather information',
    value: 'San Francisco',
  },
  { query: 'I want to eat some apple pie.', name: 'food', description: 'The food to eat', value: 'apple pie' },
];

function exampleSchema(e: (typeof EXAMPLES)[number]) {
  return { type: 'object', properties: { [e.name]: { type: 'string', description: e.description, required: true } }, required: [e.name] };
}

/** Dify's get_parameter_json_schema. */
export function parameterJsonSchema(parameters: readonly ExtractorParameter[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const p of parameters) {
    const schema: Record<string, unknown> = { description: p.description };
    if (p.type.startsWith('array[')) {
      schema.type = 'array';
      schema.items = { type: p.type.slice('array['.length, -1) };
    } else schema.type = p.type;
    if (p.options.length) schema.enum = p.options;
    properties[p.name] = schema;
  }
  return { type: 'object', properties, required: parameters.filter((p) => p.required).map((p) => p.name) };
}

export interface ExtractorPrompt {
  messages: LlmMessage[];
  tools: LlmTool[];
}

export interface ExtractorPromptInput {
  mode: 'chat' | 'completion';
  reasoningMode: 'function_call' | 'prompt';
  query: string;
  instruction: string;
  histories: string;
  parameters: readonly ExtractorParameter[];
}

/** Dify's examples go in front of the last user message. */
function beforeLastUser(messages: LlmMessage[], examples: LlmMessage[]): LlmMessage[] {
  let last = -1;
  messages.forEach((m, i) => {
    if (m.role === 'user') last = i;
  });
  return last < 0 ? [...messages, ...examples] : [...messages.slice(0, last), ...examples, ...messages.slice(last)];
}

/** The extractor's prompt and tools. Function calling needs a chat model; a completion model gets the JSON prompt. */
export function parameterExtractorPrompt(p: ExtractorPromptInput): ExtractorPrompt {
  const schema = parameterJsonSchema(p.parameters);
  const structure = pythonJsonDumps(schema);
  if (p.mode === 'completion')
    return { messages: [{ role: 'user', content: COMPLETION(p.histories, p.query, p.instruction, structure) }], tools: [] };
  if (p.reasoningMode === 'function_call') {
    const examples: LlmMessage[] = EXAMPLES.flatMap((e, i): LlmMessage[] => {
      const id = `call_example_${i + 1}`;
      return [
        { role: 'user', content: e.query },
        {
          role: 'assistant',
          content: `I need always call the function with the correct parameters. In this case, I need to call the function with the ${e.name} parameter.`,
          toolCalls: [{ id, name: EXTRACTOR_FUNCTION_NAME, arguments: pythonJsonDumps({ [e.name]: e.value }) }],
        },
        { role: 'tool', content: 'Great! You have called the function with the correct parameters.', toolCallId: id },
        { role: 'assistant', content: "I have extracted the parameters, let's move on." },
      ];
    });
    const messages: LlmMessage[] = [
      { role: 'system', content: FUNCTION_SYSTEM(p.histories, p.instruction) },
      { role: 'user', content: FUNCTION_USER(p.query, structure) },
    ];
    const tool: LlmTool = {
      name: EXTRACTOR_FUNCTION_NAME,
      description: 'Extract parameters from the natural language text',
      parameters: schema,
    };
    return { messages: beforeLastUser(messages, examples), tools: [tool] };
  }
  const examples: LlmMessage[] = EXAMPLES.flatMap((e): LlmMessage[] => [
    { role: 'user', content: CHAT_USER(pythonJsonDumps(exampleSchema(e)), e.query) },
    { role: 'assistant', content: pythonJsonDumps({ [e.name]: e.value }) },
  ]);
  const messages: LlmMessage[] = [
    { role: 'system', content: CHAT_SYSTEM(p.histories, p.instruction) },
    { role: 'user', content: CHAT_USER(structure, p.query) },
  ];
  return { messages: beforeLastUser(messages, examples), tools: [] };
}
