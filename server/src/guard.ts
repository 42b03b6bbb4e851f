// Every request handler runs through `guard`: an exception answers that
// request with an InternalError and is logged; the server keeps running.
import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node.js';

export function guard<P, R>(
  connection: Connection,
  name: string,
  handler: (params: P) => R | Promise<R>,
): (params: P) => Promise<R | ResponseError<never>> {
  return async (params: P) => {
    try {
      return await handler(params);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      connection.console.error(`${name} failed: ${message}${e instanceof Error && e.stack ? `\n${e.stack}` : ''}`);
      return new ResponseError<never>(ErrorCodes.InternalError, `${name} failed: ${message}`);
    }
  };
}

/** For notifications: log and carry on. */
export function guardNotification<P>(connection: Connection, name: string, handler: (params: P) => void): (params: P) => void {
  return (params: P) => {
    try {
      handler(params);
    } catch (e) {
      connection.console.error(`${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}
