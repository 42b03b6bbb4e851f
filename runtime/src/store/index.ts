// The two-level store: global tiers (embedded, Hazelcast), the local tier, revisions, leases.
export * from './types.js';
export { EmbeddedStore, type EmbeddedStoreOptions } from './embedded-store.js';
export { HazelcastStore, type HazelcastStoreOptions } from './hazelcast-store.js';
export { CountingStore, type StoreOpCount } from './counting-store.js';
export { LocalTier, type LocalListener, type LocalTierOptions, type ResyncReport } from './local-tier.js';
export { LeaseKeeper, type LeaseKeeperEvents } from './lease-keeper.js';
export * from './revisions.js';
export * from './open-store.js';
