/**
 * OVSDB (RFC 7047) wire types as plain data: atoms, sets, maps and uuids in their JSON notation,
 * the transaction operations this client sends, and the client's errors-as-values.
 */

export type Uuid = ['uuid', string];
export type NamedUuid = ['named-uuid', string];
export type Atom = string | number | boolean | Uuid | NamedUuid;
export type OvsSet = ['set', Atom[]];
export type OvsMap = ['map', Array<[Atom, Atom]>];
export type Datum = Atom | OvsSet | OvsMap;

export type Row = Record<string, Datum>;

export type Condition = [column: string, fn: '==' | '!=' | 'includes' | 'excludes' | '<' | '<=' | '>' | '>=', value: Datum];
export type Mutation = [column: string, mutator: 'insert' | 'delete' | '+=' | '-=' | '*=' | '/=' | '%=', value: Datum];

export type Operation =
  | { op: 'select'; table: string; where: Condition[]; columns?: string[] }
  | { op: 'insert'; table: string; row: Row; 'uuid-name'?: string }
  | { op: 'update'; table: string; where: Condition[]; row: Row }
  | { op: 'mutate'; table: string; where: Condition[]; mutations: Mutation[] }
  | { op: 'delete'; table: string; where: Condition[] }
  | { op: 'wait'; table: string; where: Condition[]; columns: string[]; until: '==' | '!='; rows: Row[]; timeout?: number }
  | { op: 'comment'; comment: string };

/** One operation's result, as the server sends it (fields depend on the operation). */
export interface OperationResult {
  rows?: Row[];
  uuid?: Uuid;
  count?: number;
}

export type OvsdbErrorCode =
  /** The address is not `unix:PATH` or `tcp:HOST:PORT`. */
  | 'bad_address'
  /** The socket could not be opened. */
  | 'connect'
  /** No reply within the timeout. */
  | 'timeout'
  /** The connection is closed (by either side, or after a protocol error). */
  | 'closed'
  /** The server sent something that is not OVSDB JSON-RPC (garbage, bad JSON, wrong shape). */
  | 'protocol'
  /** The server answered the request with a JSON-RPC error (e.g. unknown database). */
  | 'rpc'
  /** A transaction operation or the commit failed (the server's `error` and `details` are kept). */
  | 'transact';

export interface OvsdbError {
  code: OvsdbErrorCode;
  message: string;
  /** For 'rpc' and 'transact': the server's error string, e.g. "constraint violation". */
  serverError?: string;
  /** For 'transact': the index of the failing operation (== ops.length for a commit failure). */
  opIndex?: number;
}

export type OvsdbResult<T> = { ok: true; value: T } | { ok: false; error: OvsdbError };

export function ovsOk<T>(value: T): OvsdbResult<T> {
  return { ok: true, value };
}

export function ovsErr<T = never>(code: OvsdbErrorCode, message: string, extra: Omit<OvsdbError, 'code' | 'message'> = {}): OvsdbResult<T> {
  return { ok: false, error: { code, message, ...extra } };
}
