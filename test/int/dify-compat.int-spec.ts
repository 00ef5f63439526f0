// The Dify compatibility fixtures (test/compat) end to end in one process (the services' modules on
// real Postgres and Redis); the same suite runs against standalone and distributed in test/e2e.
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';
import { difyCompatSuite } from '../support/dify-compat-suite';

let s: InProcessServices;
beforeAll(async () => {
  s = await startInProcessServices('dify_compat');
}, 90_000);
afterAll(() => s?.close());

difyCompatSuite(() => ({ url: s.url, apiKey: s.apiKey, mock: s.mock }));
