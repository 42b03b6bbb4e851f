// Errors from talking to the runtime, as values with a stable code and a message a person can act on.
import type { ApiDiagnostic, Problem } from './types.js';

export type ApiErrorCode =
  | 'UNREACHABLE' // no connection (refused, DNS, reset)
  | 'TIMEOUT'
  | 'UNAUTHORIZED' // 401: no or wrong token
  | 'FORBIDDEN' // 403
  | 'NOT_FOUND'
  | 'CONFLICT' // 409
  | 'TOO_LARGE' // 413
  | 'LANGUAGE_ERRORS' // 422 with language diagnostics
  | 'ADMISSION' // 422: the plan does not fit (capacity, tags)
  | 'BAD_RESPONSE' // the runtime answered something that is not the contract
  | 'HTTP'; // any other status

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number | undefined;
  readonly problem: Problem | undefined;
  readonly url: string;

  constructor(code: ApiErrorCode, message: string, url: string, status?: number, problem?: Problem) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.url = url;
    this.status = status;
    this.problem = problem;
  }

  get diagnostics(): ApiDiagnostic[] {
    return this.problem?.diagnostics ?? [];
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** The message for a failed connection, naming what to do about it. */
export function unreachableMessage(base: string, cause: string): string {
  return (
    `Cannot reach the DFVisor runtime at ${base} (${cause}). ` +
    `Start one with "DFVisor: Start Embedded Runtime" or set "dfvisor.api.url".`
  );
}

/** Maps an HTTP error status and optional problem body to an ApiError. */
export function errorFromResponse(url: string, status: number, problem: Problem | undefined): ApiError {
  const detail = problem?.detail ?? problem?.title;
  const suffix = detail ? `: ${detail}` : '';
  switch (status) {
    case 401:
      return new ApiError(
        'UNAUTHORIZED',
        `The runtime rejected the API token (401)${suffix}. Run "DFVisor: Set API Token".`,
        url,
        status,
        problem,
      );
    case 403:
      return new ApiError('FORBIDDEN', `Not allowed (403)${suffix}.`, url, status, problem);
    case 404:
      return new ApiError('NOT_FOUND', `Not found (404)${suffix}.`, url, status, problem);
    case 409:
      return new ApiError(
        'CONFLICT',
        `Another deploy changed the runtime at the same time (409)${suffix}. Try again.`,
        url,
        status,
        problem,
      );
    case 413:
      return new ApiError('TOO_LARGE', `The request is too large for the runtime (413)${suffix}.`, url, status, problem);
    case 422: {
      const n = problem?.diagnostics?.length ?? 0;
      if (problem?.code === 'ADMISSION') {
        return new ApiError(
          'ADMISSION',
          `Admission failed${suffix}${n ? ` (${n} problem${n === 1 ? '' : 's'})` : ''}.`,
          url,
          status,
          problem,
        );
      }
      return new ApiError(
        'LANGUAGE_ERRORS',
        `The slices have ${n} error${n === 1 ? '' : 's'}${suffix ? suffix : ''}.`,
        url,
        status,
        problem,
      );
    }
    default:
      return new ApiError(
        'HTTP',
        `The runtime answered ${status}${problem?.code ? ` (${problem.code})` : ''}${suffix}.`,
        url,
        status,
        problem,
      );
  }
}
