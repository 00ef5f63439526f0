// The environment variables of outbound HTTP (http-request nodes), parsed in the apps' config schemas
// (workflow-engine, standalone): the allowlist once at boot, a bad entry stops the process naming it.
import { z } from 'zod';
import { parseAllowList, type OutboundAllowList } from './address-policy';

const seconds = (def: number) => z.coerce.number().int().positive().max(3600).default(def);
const bytes = (def: number) =>
  z.coerce
    .number()
    .int()
    .positive()
    .max(1024 * 1024 * 1024)
    .default(def);

export const outboundHttpEnv = {
  /**
   * Address ranges (CIDR, or a bare address) and host names (`*.corp.example` for every name under
   * it) that outbound requests may reach although they are loopback, private, link-local, ...;
   * comma- or space-separated. Empty: public addresses only.
   */
  SHOAL_HTTP_ALLOW: z
    .string()
    .optional()
    .transform((text, ctx): OutboundAllowList => {
      const parsed = parseAllowList(text);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }),
  // Dify's names and defaults
  HTTP_REQUEST_MAX_CONNECT_TIMEOUT: seconds(10),
  HTTP_REQUEST_MAX_READ_TIMEOUT: seconds(600),
  HTTP_REQUEST_MAX_WRITE_TIMEOUT: seconds(600),
  HTTP_REQUEST_NODE_MAX_BINARY_SIZE: bytes(10 * 1024 * 1024),
  HTTP_REQUEST_NODE_MAX_TEXT_SIZE: bytes(1024 * 1024),
  HTTP_REQUEST_NODE_SSL_VERIFY: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
};

/** What the engine needs to build its fetcher: the allowlist and the http-request node limits. */
export interface OutboundHttpSettings {
  allow: OutboundAllowList;
  limits: {
    maxConnectTimeout: number;
    maxReadTimeout: number;
    maxWriteTimeout: number;
    maxBinaryBytes: number;
    maxTextBytes: number;
    sslVerify: boolean;
  };
}

type ParsedOutboundHttpEnv = { [K in keyof typeof outboundHttpEnv]: z.infer<(typeof outboundHttpEnv)[K]> };

export function outboundHttpSettingsOf(c: ParsedOutboundHttpEnv): OutboundHttpSettings {
  return {
    allow: c.SHOAL_HTTP_ALLOW,
    limits: {
      maxConnectTimeout: c.HTTP_REQUEST_MAX_CONNECT_TIMEOUT,
      maxReadTimeout: c.HTTP_REQUEST_MAX_READ_TIMEOUT,
      maxWriteTimeout: c.HTTP_REQUEST_MAX_WRITE_TIMEOUT,
      maxBinaryBytes: c.HTTP_REQUEST_NODE_MAX_BINARY_SIZE,
      maxTextBytes: c.HTTP_REQUEST_NODE_MAX_TEXT_SIZE,
      sslVerify: c.HTTP_REQUEST_NODE_SSL_VERIFY,
    },
  };
}
