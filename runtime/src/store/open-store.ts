// Chooses and opens the global tier from command-line style options:
//   --store embedded|hazelcast  --data-dir DIR  --hazelcast 127.0.0.1:5701,127.0.0.1:5702  --cluster-name dfvisor
import { EmbeddedStore } from './embedded-store.js';
import { HazelcastStore } from './hazelcast-store.js';
import { fail, ok, type GlobalStore, type StoreResult } from './types.js';

export type StoreConfig =
  | { kind: 'embedded'; dataDir?: string }
  | { kind: 'hazelcast'; members: string[]; clusterName: string; connectTimeoutMs?: number; prefix?: string };

export const DEFAULT_HAZELCAST_MEMBERS = ['127.0.0.1:5701'];
export const DEFAULT_CLUSTER_NAME = 'dfvisor';

/** Reads the store options from parsed flags (strings as given on the command line). */
export function storeConfigFromFlags(flags: {
  store?: string;
  dataDir?: string;
  hazelcast?: string;
  clusterName?: string;
}): StoreResult<StoreConfig> {
  const kind = flags.store ?? 'embedded';
  if (kind === 'embedded') return ok({ kind, dataDir: flags.dataDir });
  if (kind !== 'hazelcast') return fail({ code: 'invalid', message: `--store must be embedded or hazelcast, not ${kind}` });
  const members = (flags.hazelcast ?? DEFAULT_HAZELCAST_MEMBERS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = members.find((m) => !/^[^\s:]+:\d{1,5}$/.test(m));
  if (bad !== undefined || members.length === 0) {
    return fail({ code: 'invalid', message: `--hazelcast takes host:port[,host:port…], not ${flags.hazelcast}` });
  }
  return ok({ kind, members, clusterName: flags.clusterName ?? DEFAULT_CLUSTER_NAME });
}

export async function openStore(config: StoreConfig): Promise<StoreResult<GlobalStore>> {
  if (config.kind === 'embedded') return EmbeddedStore.open({ dataDir: config.dataDir });
  return HazelcastStore.open({
    members: config.members,
    clusterName: config.clusterName,
    connectTimeoutMs: config.connectTimeoutMs,
    prefix: config.prefix,
  });
}
