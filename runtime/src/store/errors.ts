// Constructors for the store's error values, so every tier words them the same way.
import { fail, type MapName, type StoreResult, type WriteOptions } from './types.js';

export function conflict<T>(map: MapName, key: string, expectedVersion: number, actualVersion: number): StoreResult<T> {
  return fail({
    code: 'conflict',
    message: `${map}/${key}: expected version ${expectedVersion}, found ${actualVersion === 0 ? 'no entry' : `version ${actualVersion}`}`,
    map,
    key,
    expectedVersion,
    actualVersion,
  });
}

/** The conflict a versioned write meets when the entry is not at the version it expects (current: 0 = no entry). */
export function staleWrite(
  map: MapName,
  key: string,
  options: WriteOptions,
  current: number,
): StoreResult<{ version: number }> | undefined {
  return options.expectVersion !== undefined && options.expectVersion !== current
    ? conflict(map, key, options.expectVersion, current)
    : undefined;
}

export function leaseHeld<T>(name: string, holder: string): StoreResult<T> {
  return fail({ code: 'conflict', message: `lease ${name} is held by ${holder}`, map: 'leases', key: name, holder });
}

export function leaseLost<T>(name: string, owner: string): StoreResult<T> {
  return fail({ code: 'lease-lost', message: `lease ${name} of ${owner} expired or was taken over`, map: 'leases', key: name });
}

export function invalid<T>(message: string): StoreResult<T> {
  return fail({ code: 'invalid', message });
}

export function closed<T>(kind: string): StoreResult<T> {
  return fail({ code: 'closed', message: `the ${kind} store is closed` });
}

export function unavailable<T>(message: string): StoreResult<T> {
  return fail({ code: 'unavailable', message });
}

export function noQuorum<T>(message: string): StoreResult<T> {
  return fail({ code: 'no-quorum', message });
}

export function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
