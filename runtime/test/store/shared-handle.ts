// A handle on a shared EmbeddedStore: several "clients" of one in-process global tier (closing a
// handle leaves the store open). Used by the store tests and the store benchmark.
import type { EmbeddedStore, GlobalStore } from '../../src/store/index.js';

export function sharedHandle(store: EmbeddedStore): GlobalStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'close') return async () => undefined;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
