// RFC 9457 problem details.
import type { FastifyReply } from 'fastify';
import type { Diagnostic } from '@dfvisor/grammar';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  diagnostics?: Diagnostic[];
  [k: string]: unknown;
}

export function problem(status: number, code: string, title: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: `https://dfvisor.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`, title, status, detail, code, ...extra };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}
