// What a route tells the OpenAPI document beyond its method, path, guards and scope: the zod
// schemas its handler parses, and its answers.
import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export interface ApiResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** defaults to application/json */
  contentType?: string;
}

export interface ApiDocOptions {
  summary: string;
  description?: string;
  /** the JSON body's schema (as passed to parseBody) */
  body?: z.ZodType;
  /** other body media types the route accepts, with a schema or none (a YAML text body) */
  bodyTypes?: Record<string, z.ZodType | null>;
  /** the query string's schema */
  query?: z.ZodType;
  /** request headers the route reads */
  headers?: Array<{ name: string; description: string; required?: boolean }>;
  /** status code to answer; errors common to every route are added by the builder */
  responses: Record<number, ApiResponseDoc>;
  /** extra error statuses this route answers (beyond 400, 401, 403, 413, 415, 429 and 500) */
  errors?: number[];
  tag?: string;
}

export const API_DOC_METADATA = 'shoal:api-doc';

export const ApiDoc = (doc: ApiDocOptions) => SetMetadata(API_DOC_METADATA, doc);
