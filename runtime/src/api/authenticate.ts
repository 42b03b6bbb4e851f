// Bearer-token authentication for every route but the public ones, with failed attempts limited
// by @fastify/rate-limit keyed on the client address AND the token id presented: one client's
// failures never lock out another token, and a valid token (the admin's too) always gets in.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { presentedTokenId, type TokenService } from '../auth/tokens.js';
import type { AuditEntry } from '../deploy/service.js';
import { problem, sendProblem } from './problem.js';

export interface AuthOptions {
  tokens: TokenService;
  audit: { record(e: AuditEntry): void };
  /** Failed authentications per address and presented token id within a minute before 429. */
  failuresPerMinute: number;
  /** Paths that need no token. */
  publicPaths: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: import('../deploy/types.js').Principal;
  }
}

const bearer = (req: FastifyRequest) => {
  const h = req.headers.authorization;
  return h ? /^Bearer\s+(\S+)\s*$/i.exec(h)?.[1] : undefined;
};

export async function registerAuthentication(app: FastifyInstance, o: AuthOptions): Promise<void> {
  await app.register(rateLimit, { global: false });
  const countFailure = app.createRateLimit({
    max: o.failuresPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => `${req.ip}|${presentedTokenId(bearer(req))}`,
  });
  const open = new Set(o.publicPaths);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (open.has(req.url.split('?')[0])) return;
    const token = bearer(req);
    const principal = token ? o.tokens.authenticate(token) : undefined;
    if (principal) {
      req.principal = principal;
      return;
    }
    const limit = await countFailure(req);
    if (!limit.isAllowed && limit.isExceeded) {
      reply.header('retry-after', String(Math.max(1, limit.ttlInSeconds)));
      return sendProblem(
        reply,
        problem(
          429,
          'TOO_MANY_FAILED_LOGINS',
          'Too many failed authentications',
          'too many failed authentications from this address with this token id; wait before trying again',
        ),
      );
    }
    o.audit.record({
      at: new Date().toISOString(),
      who: `anonymous@${req.ip}`,
      action: `${req.method} ${req.url.split('?')[0].slice(0, 200)}`,
      target: '-',
      outcome: 'refused',
      detail: token ? 'invalid token' : 'no token',
    });
    reply.header('www-authenticate', 'Bearer realm="dfvisor"');
    return sendProblem(
      reply,
      problem(
        401,
        'UNAUTHORIZED',
        'Unauthorized',
        token ? 'the token is not valid (unknown, revoked or malformed)' : 'send Authorization: Bearer <token>',
      ),
    );
  });
}
