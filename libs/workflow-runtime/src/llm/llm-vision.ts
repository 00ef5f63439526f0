// Dify's vision: the image files at a node's vision selector sent with its prompt as OpenAI
// `image_url` parts (graphon llm_utils.fetch_prompt_messages: put in front of the last user
// message's content, or as a user message of their own when the prompt does not end with one).
// A file is an image by its Dify `type`, else by its MIME type or extension; other files are left out.
import type { LlmVisionConfig } from '@shoal/workflow-dsl';
import type { LlmContentPart, LlmMessage } from '../ports';
import { isObject } from './json-in-text';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.svg']);
/** Bounds one prompt's images, as providers do (OpenAI takes at most 500 per request). */
export const MAX_VISION_IMAGES = 50;

function isImage(file: Record<string, unknown>): boolean {
  if (file.type === 'image') return true;
  if (typeof file.type === 'string' && file.type !== 'custom') return false;
  if (typeof file.mime_type === 'string') return file.mime_type.startsWith('image/');
  return typeof file.extension === 'string' && IMAGE_EXTENSIONS.has(file.extension.toLowerCase());
}

function urlOf(file: Record<string, unknown>): string | null {
  const url = file.url ?? file.remote_url;
  return typeof url === 'string' && /^(https?:|data:image\/)/i.test(url) ? url : null;
}

/** The image parts of the files at the selector (one file or a list of them). */
export function visionParts(value: unknown, vision: LlmVisionConfig): LlmContentPart[] {
  const files = Array.isArray(value) ? value : value == null ? [] : [value];
  const parts: LlmContentPart[] = [];
  for (const f of files) {
    if (!isObject(f) || !isImage(f)) continue;
    const url = urlOf(f);
    if (!url) continue;
    if (parts.length >= MAX_VISION_IMAGES) break;
    parts.push({ type: 'image_url', image_url: { url, detail: vision.detail } });
  }
  return parts;
}

/** The prompt with the images put in, as Dify puts them. */
export function withImages(messages: LlmMessage[], images: LlmContentPart[]): LlmMessage[] {
  if (!images.length) return messages;
  const last = messages[messages.length - 1];
  if (last?.role === 'user') {
    const content: LlmContentPart[] = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : last.content;
    return [...messages.slice(0, -1), { ...last, content: [...images, ...content] }];
  }
  return [...messages, { role: 'user', content: images }];
}
