// The runtime's HTTP API (docs/api.md; the OpenAPI document is generated from the route schemas
// in schemas.ts). Every route but /healthz and /v1/openapi.json needs a bearer token; tenants see
// and change only their own slices (tenant-view.ts).
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import type { Logger } from 'pino';
import type { Plan, PlanSlice } from '@dfvisor/grammar';
import type { Registry } from 'prom-client';
import type { DeployService, AuditEntry } from '../deploy/service.js';
import type { DeployOutcome } from '../deploy/types.js';
import type { TokenService } from '../auth/tokens.js';
import type { RuntimeView } from '../view/runtime-view.js';
import type { EventHub } from './events.js';
import { problem, sendProblem } from './problem.js';
import { components, routes } from './schemas.js';
import { registerAuthentication } from './authenticate.js';
import { SseStreams, type SseLimits } from './sse.js';
import { sourcesFor } from './sources.js';
import { grantViewFor } from './grant-view.js';
import { eventVisible, metricsFor, ownsSlice, revisionsFor, statusFor, topologyFor } from './tenant-view.js';

export type { SliceStats, StatusView, RuntimeView } from '../view/runtime-view.js';

export interface AuditLog {
  record(e: AuditEntry): void;
  recent(limit: number): AuditEntry[];
}

export interface ApiOptions {
  deploy: DeployService;
  tokens: TokenService;
  runtime: RuntimeView;
  events: EventHub;
  audit: AuditLog;
  metrics: Registry;
  bodyLimit?: number;
  /** Failed authentications per address and presented token id within a minute before 429. */
  authFailuresPerMinute?: number;
  sse?: SseLimits;
  https?: { cert: Buffer; key: Buffer };
  /** Request logs and errors go here (secrets redacted); none when absent. */
  logger?: Logger;
  /** Calls back when token records change (revocations on other nodes close their streams). */
  onTokensChanged?: (listener: () => void) => void;
}

/** Where the logger never writes values: bearer tokens and token fields, wherever they appear. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'adminToken',
  '*.adminToken',
];

export const API_VERSION = '1.0.0';

export function sliceView(s: PlanSlice, plan: Plan, revision: number, runtime: RuntimeView, detailed = false) {
  const connected = runtime.connectedControllers(s.name);
  const base = {
    name: s.name,
    owner: s.owner,
    overlay: { type: s.overlay.type, tag: s.overlay.tag },
    switches: s.view.map((v) => v.dpid),
    controllers: connected.length > 0 ? connected : s.controllers.map((c) => ({ url: c.url, connected: false })),
    revision,
    paused: runtime.pausedSlices?.().includes(s.name) ?? false,
  };
  if (!detailed) return base;
  return {
    ...base,
    view: s.view,
    flowspace: plan.flowspace.filter((e) => e.slice === s.name),
    qos: { ...s.qos, meters: plan.qos.meters.filter((m) => m.slice === s.name), queues: plan.qos.queues.filter((q) => q.slice === s.name) },
    limits: s.limits,
  };
}

/** Problem bodies for Fastify's own errors: our codes and words, never `FST_ERR_*` or its messages. */
function frameworkProblem(
  err: Error & { statusCode?: number; code?: string; validation?: Array<{ instancePath: string; message?: string }> },
  bodyLimit: number,
) {
  const status = err.statusCode ?? 500;
  if (err.validation) {
    const errors = err.validation.slice(0, 20).map((v) => ({ path: v.instancePath, message: v.message ?? 'is invalid' }));
    const where = (err as { validationContext?: string }).validationContext ?? 'request';
    return problem(
      400,
      'BAD_REQUEST',
      'Invalid request',
      `the ${where} does not match the schema: ${errors.map((e) => `${e.path || '(top level)'} ${e.message}`).join('; ')}`,
      { errors },
    );
  }
  if (status === 413) return problem(413, 'TOO_LARGE', 'Request too large', `the body exceeds ${bodyLimit} bytes`);
  if (status === 415) return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'send application/json');
  if (
    status === 400 &&
    (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
  )
    return problem(400, 'BAD_REQUEST', 'Bad request', 'the body is not valid JSON');
  if (status >= 400 && status < 500) {
    const ours = err.code && !err.code.startsWith('FST_') ? err.code : 'BAD_REQUEST';
    return problem(status, ours, 'Bad request', err.code?.startsWith('FST_') ? 'the request is malformed' : err.message);
  }
  return undefined;
}

export async function buildApi(o: ApiOptions): Promise<FastifyInstance> {
  const bodyLimit = o.bodyLimit ?? 10 * 1024 * 1024;
  const logger = o.logger?.child({ component: 'api' }, { redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    genReqId: () => randomUUID(),
    bodyLimit,
    ...(o.https ? { https: o.https } : {}),
    ajv: { customOptions: { allErrors: false, removeAdditional: false } },
  } as object) as unknown as FastifyInstance;

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const p = frameworkProblem(err, bodyLimit);
    if (p) return sendProblem(reply, p);
    req.log.error({ err }, 'request failed');
    return sendProblem(
      reply,
      problem(500, 'INTERNAL', 'Internal error', `the runtime failed to handle this request (request id ${req.id}); see its log`),
    );
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, problem(404, 'NOT_FOUND', 'Not found', `no route ${req.method} ${req.url.split('?')[0]}`)),
  );

  for (const c of components) app.addSchema(c);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'DFVisor runtime API',
        version: API_VERSION,
        description:
          'Deploy and observe slices on a DFVisor runtime. See docs/api.md. Generated from the route schemas (runtime/src/api/schemas.ts): do not edit by hand, run `npm run openapi`.',
      },
      servers: [{ url: 'http://127.0.0.1:8181' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: {
      buildLocalReference: (json: { $id?: unknown }, _base: unknown, _fragment: unknown, i: number) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });

  await registerAuthentication(app, {
    tokens: o.tokens,
    audit: o.audit,
    failuresPerMinute: o.authFailuresPerMinute ?? 30,
    publicPaths: ['/healthz', '/v1/openapi.json'],
  });
  const streams = new SseStreams(o.events, o.sse ?? { perToken: 4, total: 64 });
  o.onTokensChanged?.(() => streams.revalidate());
  app.addHook('onClose', async () => streams.closeAll());

  const requireAdmin = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.principal.kind !== 'admin')
      return sendProblem(reply, problem(403, 'FORBIDDEN', 'Forbidden', 'this call needs the admin token'));
  };

  const send = (reply: FastifyReply, outcome: DeployOutcome) => {
    if (!outcome.ok) {
      const { status, code, title, detail, diagnostics, errors, switches, slices } = outcome.problem;
      return sendProblem(
        reply,
        problem(status, code, title, detail, {
          ...(diagnostics ? { diagnostics } : {}),
          ...(errors ? { errors } : {}),
          ...(switches ? { switches } : {}),
          ...(slices ? { slices } : {}),
        }),
      );
    }
    const { plan, diff } = outcome;
    return reply.send({
      revision: outcome.revision,
      dryRun: outcome.dryRun,
      diff,
      slices: plan.slices.map((s) => ({
        name: s.name,
        owner: s.owner,
        status: diff.added.includes(s.name) ? 'added' : diff.changed.includes(s.name) ? 'changed' : 'unchanged',
      })),
      diagnostics: outcome.diagnostics,
      ...(outcome.switches ? { switches: outcome.switches, unreachable: outcome.switches.some((s) => s.status === 'unreachable') } : {}),
    });
  };

  const active = () => o.deploy.activePlan();
  const activeRevision = async () => (await o.deploy.listRevisions()).at(-1)?.revision ?? 0;

  app.get('/healthz', { schema: routes.healthz }, async () => ({ ok: true }));
  app.get('/v1/openapi.json', { schema: routes.openapi }, async () => app.swagger());

  app.post('/v1/deploy', { schema: routes.deploy }, async (req, reply) => {
    const body = req.body as { files?: Array<{ path: string; text: string }>; plan?: Plan };
    const q = req.query as { dryRun?: boolean; prune?: boolean; slices?: string; force?: boolean; removeGrants?: boolean };
    const only = q.slices
      ? q.slices
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
    return send(
      reply,
      await o.deploy.deploy(req.principal, {
        files: body.files,
        plan: body.plan,
        dryRun: q.dryRun === true,
        prune: q.prune === true,
        only,
        force: q.force === true,
        removeGrants: q.removeGrants === true,
      }),
    );
  });

  app.get('/v1/slices', { schema: routes.slices }, async (req) => {
    const plan = active();
    const revision = await activeRevision();
    return { slices: (plan?.slices ?? []).filter((s) => ownsSlice(req.principal, s)).map((s) => sliceView(s, plan!, revision, o.runtime)) };
  });

  const findSlice = (req: FastifyRequest, reply: FastifyReply): PlanSlice | undefined => {
    const { name } = req.params as { name: string };
    const s = active()?.slices.find((x) => x.name === name);
    if (!ownsSlice(req.principal, s)) {
      // A tenant learns nothing about other owners' slices: 404 either way.
      sendProblem(reply, problem(404, 'UNKNOWN_SLICE', 'Unknown slice', `no deployed slice named '${name}'`));
      return undefined;
    }
    return s;
  };

  app.get('/v1/slices/:name', { schema: routes.slice }, async (req, reply) => {
    const s = findSlice(req, reply);
    if (!s) return reply;
    return sliceView(s, active()!, await activeRevision(), o.runtime, true);
  });

  app.delete('/v1/slices/:name', { schema: routes.undeploy }, async (req, reply) => {
    const { name } = req.params as { name: string };
    return send(reply, await o.deploy.undeploy(req.principal, name));
  });

  for (const paused of [true, false]) {
    app.post(`/v1/slices/:name/${paused ? 'pause' : 'resume'}`, { schema: paused ? routes.pause : routes.resume }, async (req, reply) => {
      const s = findSlice(req, reply);
      if (!s) return reply;
      const who = req.principal.kind === 'admin' ? 'admin' : `tenant:${req.principal.owner}`;
      // A pause keeps the slice's tenant rules unless asked to remove them (the query is validated).
      const rules = paused && (req.query as { rules?: string }).rules === 'remove' ? 'remove' : 'keep';
      const failed = o.runtime.setPaused ? await o.runtime.setPaused(s.name, paused, who, rules) : 'this runtime cannot pause slices';
      o.audit.record({
        at: new Date().toISOString(),
        who,
        action: paused ? 'slice-pause' : 'slice-resume',
        target: s.name,
        outcome: failed ? 'refused' : 'ok',
        ...(failed ? { detail: failed } : paused ? { detail: `rules ${rules === 'remove' ? 'removed' : 'kept'}` } : {}),
      });
      if (failed) return sendProblem(reply, problem(502, 'STORE_UNAVAILABLE', 'Store unavailable', failed));
      return paused ? { slice: s.name, paused, rules } : { slice: s.name, paused };
    });
  }

  app.get('/v1/slices/:name/flows', { schema: routes.sliceFlows }, async (req, reply) => {
    const s = findSlice(req, reply);
    if (!s) return reply;
    const st = await o.runtime.status();
    const here = o.runtime.sliceFlows?.(s.name) ?? [];
    const answered = new Set(here.map((x) => x.dpid));
    return {
      slice: s.name,
      node: st.node,
      switches: here,
      // The slice's switches this node does not program: their master node answers for them.
      elsewhere: s.view.map((v) => v.dpid).filter((d) => !answered.has(d)),
    };
  });

  app.get('/v1/slices/:name/virtual-links', { schema: routes.sliceVirtualLinks }, async (req, reply) => {
    const s = findSlice(req, reply);
    if (!s) return reply;
    const st = await o.runtime.status();
    return { slice: s.name, node: st.node, virtualLinks: o.runtime.virtualLinks?.(s.name) ?? [] };
  });

  app.get('/v1/sources', { schema: routes.sources }, async (req) => sourcesFor(req.principal, o.runtime.deployedSources?.(), active()));

  app.get('/v1/slices/:name/stats', { schema: routes.sliceStats }, async (req, reply) => {
    const s = findSlice(req, reply);
    if (!s) return reply;
    return o.runtime.sliceStats(s.name) ?? { slice: s.name, updatedAt: null, packets: 0, bytes: 0, flows: 0, packetIns: 0, perSwitch: [] };
  });

  app.get('/v1/revisions', { schema: routes.revisions }, async (req) => {
    const list = await o.deploy.listRevisions();
    return { active: list.at(-1)?.revision ?? 0, revisions: revisionsFor(req.principal, list, active()) };
  });

  app.post('/v1/rollback/:rev', { schema: routes.rollback }, async (req, reply) => {
    const { rev } = req.params as { rev: number };
    return send(reply, await o.deploy.rollback(req.principal, rev));
  });

  app.get('/v1/grants/mine', { schema: routes.grantsMine }, async (req, reply) => {
    const p = req.principal;
    const { network, grants } = o.deploy.grantSources();
    const view = p.kind === 'tenant' ? grantViewFor(p.owner, network, grants, active()) : undefined;
    if (!view)
      return sendProblem(
        reply,
        problem(
          404,
          'NO_GRANT',
          'No grant',
          p.kind === 'admin' ? 'the admin has no grant: it is bound by none' : `no grant in force for ${JSON.stringify(p.owner)}`,
        ),
      );
    return view;
  });

  app.get('/v1/status', { schema: routes.status }, async (req) => {
    const st = await o.runtime.status();
    return { ...statusFor(req.principal, st, active()), revision: await activeRevision() };
  });

  app.get('/v1/topology', { schema: routes.topology }, async (req) =>
    topologyFor(
      req.principal,
      active(),
      new Set(o.runtime.connectedSwitches()),
      o.runtime.refusedSwitches?.() ?? [],
      o.runtime.discovery?.(),
    ),
  );

  app.get('/v1/audit', { preHandler: requireAdmin, schema: routes.audit }, async (req) => {
    const { limit } = req.query as { limit?: number };
    return { entries: o.audit.recent(limit ?? 200) };
  });

  app.post('/v1/tokens', { preHandler: requireAdmin, schema: routes.createToken }, async (req, reply) => {
    const { owner } = req.body as { owner: string };
    const { token, record } = await o.tokens.create(owner);
    o.audit.record({
      at: new Date().toISOString(),
      who: 'admin',
      action: 'token-create',
      target: record.id,
      outcome: 'ok',
      detail: `owner ${owner}`,
    });
    return reply.code(201).send({ token, id: record.id, owner: record.owner, createdAt: record.createdAt });
  });

  app.get('/v1/tokens', { preHandler: requireAdmin, schema: routes.tokens }, async () => ({ tokens: o.tokens.list() }));

  app.delete('/v1/tokens/:id', { preHandler: requireAdmin, schema: routes.revokeToken }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const ok = await o.tokens.revoke(id);
    o.audit.record({ at: new Date().toISOString(), who: 'admin', action: 'token-revoke', target: id, outcome: ok ? 'ok' : 'refused' });
    if (!ok) return sendProblem(reply, problem(404, 'UNKNOWN_TOKEN', 'Unknown token', `no active token with id ${id}`));
    streams.closeToken(id);
    return { revoked: id };
  });

  app.get('/v1/events', { schema: routes.events }, async (req, reply) => {
    const principal = req.principal;
    const refused = streams.refusal(principal);
    if (refused) {
      reply.header('retry-after', '5');
      return sendProblem(reply, problem(429, 'TOO_MANY_STREAMS', 'Too many event streams', refused));
    }
    reply.hijack();
    streams.open(reply.raw, {
      principal,
      visible: (e) => eventVisible(principal, e, active()),
      stillValid: () => o.tokens.stillValid(principal),
    });
  });

  app.get('/metrics', { schema: routes.metrics }, async (req, reply) => {
    reply.type(o.metrics.contentType);
    return metricsFor(req.principal, await o.metrics.metrics(), active());
  });

  return app;
}
