// The runtime's HTTP API (docs/api.md, docs/openapi.yaml). Every route but /healthz needs a
// bearer token; tenants see and change only their own slices.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Plan, PlanSlice } from '@dfvisor/grammar';
import type { Registry } from 'prom-client';
import type { DeployService, AuditEntry } from '../deploy/service.js';
import type { DeployOutcome, Principal } from '../deploy/types.js';
import type { TokenService } from '../auth/tokens.js';
import { FailedAuthLimiter } from '../auth/failed-auth-limiter.js';
import { EventHub, type RuntimeEvent } from './events.js';
import { problem, sendProblem } from './problem.js';
import type { SliceCounters } from '../node/forwarding-plane.js';

/** A slice's counters as the API serves them: the data path's, with the slice and their time. */
export type SliceStats = SliceCounters & { slice: string; updatedAt: string | null };

export interface StatusView {
  node: string;
  nodes: Array<{ id: string; api: string | null; alive: boolean }>;
  switches: Array<{ dpid: string; name: string | null; master: string | null; connected: boolean }>;
  slices: Array<{ name: string; controllers: Array<{ url: string; connected: boolean }> }>;
}

/** What the API reads from the running node. */
export interface RuntimeView {
  status(): Promise<StatusView> | StatusView;
  sliceStats(slice: string): SliceStats | undefined;
  connectedControllers(slice: string): Array<{ url: string; connected: boolean }>;
  connectedSwitches(): string[];
}

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
  limiter?: FailedAuthLimiter;
  https?: { cert: Buffer; key: Buffer };
  logger?: boolean | object;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

const sourceFile = {
  type: 'object',
  required: ['path', 'text'],
  additionalProperties: false,
  properties: { path: { type: 'string', minLength: 1, maxLength: 4096 }, text: { type: 'string' } },
} as const;

const deployBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    files: { type: 'array', items: sourceFile, minItems: 1, maxItems: 10000 },
    plan: { type: 'object', required: ['format', 'version', 'network', 'slices', 'flowspace', 'qos'], properties: { format: { const: 'dfvisor-plan' }, version: { const: 1 } } },
  },
  oneOf: [{ required: ['files'] }, { required: ['plan'] }],
} as const;

const nameParam = { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' } } } as const;

export function sliceView(s: PlanSlice, plan: Plan, revision: number, runtime: RuntimeView, detailed = false) {
  const base = {
    name: s.name,
    owner: s.owner,
    overlay: { type: s.overlay.type, tag: s.overlay.tag },
    switches: s.view.map((v) => v.dpid),
    controllers: runtime.connectedControllers(s.name).length > 0 ? runtime.connectedControllers(s.name) : s.controllers.map((c) => ({ url: c.url, connected: false })),
    revision,
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

export async function buildApi(o: ApiOptions): Promise<FastifyInstance> {
  const limiter = o.limiter ?? new FailedAuthLimiter();
  const app = Fastify({
    logger: o.logger ?? false,
    bodyLimit: o.bodyLimit ?? 10 * 1024 * 1024,
    ...(o.https ? { https: o.https } : {}),
    ajv: { customOptions: { allErrors: false, removeAdditional: false } },
  } as object) as unknown as FastifyInstance;

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (err.validation) return sendProblem(reply, problem(400, 'BAD_REQUEST', 'Invalid request', err.message));
    if (status === 413) return sendProblem(reply, problem(413, 'TOO_LARGE', 'Request too large', `the body exceeds ${o.bodyLimit ?? 10 * 1024 * 1024} bytes`));
    if (status === 415) return sendProblem(reply, problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'send application/json'));
    if (status >= 400 && status < 500) return sendProblem(reply, problem(status, err.code ?? 'BAD_REQUEST', 'Bad request', err.message));
    reply.log.error(err);
    return sendProblem(reply, problem(500, 'INTERNAL', 'Internal error', 'the runtime failed to handle this request; see its log'));
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, problem(404, 'NOT_FOUND', 'Not found', `no route ${req.method} ${req.url.split('?')[0]}`)));

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.url === '/healthz') return;
    const addr = req.ip;
    if (limiter.blocked(addr)) {
      reply.header('retry-after', String(limiter.retryAfter(addr)));
      return sendProblem(reply, problem(429, 'TOO_MANY_FAILED_LOGINS', 'Too many failed authentications', 'wait before trying again'));
    }
    const h = req.headers.authorization;
    const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
    const principal = m ? o.tokens.authenticate(m[1]) : undefined;
    if (!principal) {
      limiter.fail(addr);
      o.audit.record({ at: new Date().toISOString(), who: `anonymous@${addr}`, action: `${req.method} ${req.url.split('?')[0]}`, target: '-', outcome: 'refused', detail: m ? 'invalid token' : 'no token' });
      reply.header('www-authenticate', 'Bearer realm="dfvisor"');
      return sendProblem(reply, problem(401, 'UNAUTHORIZED', 'Unauthorized', m ? 'the token is not valid (unknown, revoked or malformed)' : 'send Authorization: Bearer <token>'));
    }
    req.principal = principal;
  });

  const requireAdmin = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.principal.kind !== 'admin') return sendProblem(reply, problem(403, 'FORBIDDEN', 'Forbidden', 'this call needs the admin token'));
  };

  const send = (reply: FastifyReply, outcome: DeployOutcome) => {
    if (!outcome.ok) return sendProblem(reply, problem(outcome.problem.status, outcome.problem.code, outcome.problem.title, outcome.problem.detail, outcome.problem.diagnostics ? { diagnostics: outcome.problem.diagnostics } : {}));
    const plan = outcome.plan;
    return reply.send({
      revision: outcome.revision,
      dryRun: outcome.dryRun,
      diff: outcome.diff,
      slices: plan.slices.map((s) => ({ name: s.name, owner: s.owner, status: outcome.diff.added.includes(s.name) ? 'added' : outcome.diff.changed.includes(s.name) ? 'changed' : 'unchanged' })),
      diagnostics: outcome.diagnostics,
    });
  };

  app.get('/healthz', async () => ({ ok: true }));

  app.post('/v1/deploy', { schema: { body: deployBody, querystring: { type: 'object', properties: { dryRun: { type: 'boolean' }, prune: { type: 'boolean' }, slices: { type: 'string' } } } } }, async (req, reply) => {
    const body = req.body as { files?: Array<{ path: string; text: string }>; plan?: Plan };
    const q = req.query as { dryRun?: boolean; prune?: boolean; slices?: string };
    const only = q.slices ? q.slices.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    return send(reply, await o.deploy.deploy(req.principal, { files: body.files, plan: body.plan, dryRun: q.dryRun === true, prune: q.prune === true, only }));
  });

  const active = () => {
    const plan = o.deploy.activePlan();
    return plan;
  };
  const visible = (req: FastifyRequest, s: PlanSlice) => req.principal.kind === 'admin' || s.owner === req.principal.owner;

  app.get('/v1/slices', async (req) => {
    const plan = active();
    const revision = (await o.deploy.listRevisions()).at(-1)?.revision ?? 0;
    return { slices: (plan?.slices ?? []).filter((s) => visible(req, s)).map((s) => sliceView(s, plan!, revision, o.runtime)) };
  });

  const findSlice = (req: FastifyRequest, reply: FastifyReply): PlanSlice | undefined => {
    const { name } = req.params as { name: string };
    const s = active()?.slices.find((x) => x.name === name);
    if (!s || !visible(req, s)) {
      // A tenant learns nothing about other owners' slices: 404 either way.
      sendProblem(reply, problem(404, 'UNKNOWN_SLICE', 'Unknown slice', `no deployed slice named '${name}'`));
      return undefined;
    }
    return s;
  };

  app.get('/v1/slices/:name', { schema: { params: nameParam } }, async (req, reply) => {
    const s = findSlice(req, reply);
    if (!s) return reply;
    const revision = (await o.deploy.listRevisions()).at(-1)?.revision ?? 0;
    return sliceView(s, active()!, revision, o.runtime, true);
  });

  app.delete('/v1/slices/:name', { schema: { params: nameParam } }, async (req, reply) => {
    const { name } = req.params as { name: string };
    return send(reply, await o.deploy.undeploy(req.principal, name));
  });

  app.get('/v1/slices/:name/stats', { schema: { params: nameParam } }, async (req, reply) => {
    const s = findSlice(req, reply);
    if (!s) return reply;
    return o.runtime.sliceStats(s.name) ?? { slice: s.name, updatedAt: null, packets: 0, bytes: 0, flows: 0, packetIns: 0, perSwitch: [] };
  });

  app.get('/v1/revisions', async (req) => {
    const list = await o.deploy.listRevisions();
    const activeRev = list.at(-1)?.revision ?? 0;
    const mineOnly = req.principal.kind !== 'admin';
    const owners = new Map(active()?.slices.map((s) => [s.name, s.owner]) ?? []);
    return {
      active: activeRev,
      revisions: list.map((r) => ({ ...r, slices: mineOnly ? r.slices.filter((n) => owners.get(n) === req.principal.owner) : r.slices })),
    };
  });

  app.post('/v1/rollback/:rev', { schema: { params: { type: 'object', required: ['rev'], properties: { rev: { type: 'integer', minimum: 1 } } } } }, async (req, reply) => {
    const { rev } = req.params as { rev: number };
    return send(reply, await o.deploy.rollback(req.principal, rev));
  });

  app.get('/v1/status', async (req) => {
    const st = await o.runtime.status();
    const plan = active();
    const revision = (await o.deploy.listRevisions()).at(-1)?.revision ?? 0;
    const names = new Set((plan?.slices ?? []).filter((s) => visible(req, s)).map((s) => s.name));
    return { ...st, revision, slices: st.slices.filter((s) => names.has(s.name)) };
  });

  app.get('/v1/topology', async () => {
    const plan = active();
    const connected = new Set(o.runtime.connectedSwitches());
    return {
      switches: (plan?.network.switches ?? []).map((s) => ({ ...s, connected: connected.has(s.dpid) })),
      links: plan?.network.links ?? [],
    };
  });

  app.get('/v1/audit', { preHandler: requireAdmin, schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10000 } } } } }, async (req) => {
    const { limit } = req.query as { limit?: number };
    return { entries: o.audit.recent(limit ?? 200) };
  });

  app.post('/v1/tokens', { preHandler: requireAdmin, schema: { body: { type: 'object', required: ['owner'], additionalProperties: false, properties: { owner: { type: 'string', minLength: 1, maxLength: 320 } } } } }, async (req, reply) => {
    const { owner } = req.body as { owner: string };
    const { token, record } = await o.tokens.create(owner);
    o.audit.record({ at: new Date().toISOString(), who: 'admin', action: 'token-create', target: record.id, outcome: 'ok', detail: `owner ${owner}` });
    return reply.code(201).send({ token, id: record.id, owner: record.owner, createdAt: record.createdAt });
  });

  app.get('/v1/tokens', { preHandler: requireAdmin }, async () => ({ tokens: o.tokens.list() }));

  app.delete('/v1/tokens/:id', { preHandler: requireAdmin, schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[a-z0-9]{8,32}$' } } } } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const ok = await o.tokens.revoke(id);
    o.audit.record({ at: new Date().toISOString(), who: 'admin', action: 'token-revoke', target: id, outcome: ok ? 'ok' : 'refused' });
    if (!ok) return sendProblem(reply, problem(404, 'UNKNOWN_TOKEN', 'Unknown token', `no active token with id ${id}`));
    return { revoked: id };
  });

  app.get('/v1/events', async (req, reply) => {
    const principal = req.principal;
    const owners = () => new Map(active()?.slices.map((s) => [s.name, s.owner]) ?? []);
    const allowed = (e: RuntimeEvent) => {
      if (principal.kind === 'admin') return true;
      const slice = typeof e.slice === 'string' ? e.slice : undefined;
      return slice === undefined || owners().get(slice) === principal.owner;
    };
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': connected\n\n');
    const unsubscribe = o.events.subscribe((e) => {
      if (allowed(e)) res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.raw.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
  });

  app.get('/metrics', async (_req, reply) => {
    reply.type(o.metrics.contentType);
    return o.metrics.metrics();
  });

  return app;
}
