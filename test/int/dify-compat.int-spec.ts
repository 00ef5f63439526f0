// The Dify compatibility fixtures (test/compat) end to end in one process (the services' modules on
// real Postgres and Redis); the same suite runs against standalone and distributed in test/e2e.
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';
import { parseAllowList } from '@shoal/outbound-http';
import { difyCompatSuite } from '../support/dify-compat-suite';

let s: InProcessServices;
beforeAll(async () => {
  // the http-request fixtures call the mock provider on 127.0.0.1, which only the allowlist opens
  const allow = parseAllowList('127.0.0.1');
  if (!allow.ok) throw new Error(allow.error);
  s = await startInProcessServices('dify_compat', { outboundHttp: { allow: allow.value } });
}, 90_000);
afterAll(() => s?.close());

difyCompatSuite(() => ({ url: s.url, apiKey: s.apiKey, mock: s.mock }));
