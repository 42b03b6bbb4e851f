// The OpenAPI document of the API, generated from the route schemas (schemas.ts) by
// @fastify/swagger without starting a node: `npm run openapi` writes docs/openapi.yaml from it.
import { Registry } from 'prom-client';
import type { DeployService } from '../deploy/service.js';
import type { TokenService } from '../auth/tokens.js';
import type { RuntimeView } from '../view/runtime-view.js';
import { EventHub } from './events.js';
import { buildApi } from './server.js';

/** The document as YAML (format: 'yaml') or as a JSON value. */
export async function openApiDocument(format: 'yaml'): Promise<string>;
export async function openApiDocument(format: 'json'): Promise<object>;
export async function openApiDocument(format: 'yaml' | 'json'): Promise<string | object> {
  // Route handlers never run here: the dependencies are placeholders.
  const unused = {} as never;
  const app = await buildApi({
    deploy: unused as DeployService,
    tokens: unused as TokenService,
    runtime: unused as RuntimeView,
    events: new EventHub(),
    audit: { record: () => undefined, recent: () => [] },
    metrics: new Registry(),
  });
  await app.ready();
  try {
    return format === 'yaml' ? app.swagger({ yaml: true }) : app.swagger();
  } finally {
    await app.close();
  }
}
