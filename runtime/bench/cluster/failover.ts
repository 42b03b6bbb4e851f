// Failover on a running ClusterRig (no tenants needed): `kills` times, kill -9 of the master of s1,
// then the time until a surviving node logs "became master of switch" for s1 and until it logs
// "master of switch: programming it" (pino timestamps, same clock as the kill); the killed node is
// started again before the next kill. Crash detection is the liveness channel
// (cluster/liveness.ts): the dead node's connections close and its leases are freed at once.
import { DPIDS, type ClusterRig } from '../../test/cluster/rig.js';
import { waitFor } from '../../src/lab/proc.js';
import { summary, type Summary } from './quantiles.js';

/** The time of the first log line of `msg` for `dpid` at or after `since` (ms since the epoch). */
function loggedAt(logs: string, msg: string, dpid: string, since: number): number | undefined {
  for (const line of logs.split('\n')) {
    if (!line.includes(`"msg":"${msg}"`) || !line.includes(`"dpid":"${dpid}"`)) continue;
    const t = Number(/"time":(\d+)/.exec(line)?.[1]);
    if (t >= since) return t;
  }
  return undefined;
}

export interface FailoverResult {
  kills: number;
  newMaster: Summary;
  programming: Summary;
}

export async function failover(rig: ClusterRig, kills: number, log: (s: string) => void): Promise<FailoverResult> {
  const master: number[] = [];
  const programming: number[] = [];
  for (let i = 0; i < kills; i++) {
    const masters = await rig.settledMasters(30_000);
    const victim = rig.node(masters[DPIDS[0]]);
    const t0 = Date.now();
    await rig.kill9(victim.id);
    const survivors = rig.alive();
    const [m, p] = await waitFor(
      'a survivor masters and programs s1',
      () => {
        for (const n of survivors) {
          const logs = n.proc.logs();
          const a = loggedAt(logs, 'became master of switch', DPIDS[0], t0);
          const b = loggedAt(logs, 'master of switch: programming it', DPIDS[0], t0);
          if (a !== undefined && b !== undefined) return [a - t0, b - t0];
        }
        return null;
      },
      15_000,
      5,
    );
    master.push(m);
    programming.push(p);
    log(`kill ${i + 1}/${kills}: new master after ${m} ms, programming after ${p} ms`);
    await rig.startNode(victim.id, victim.ofPort);
  }
  return { kills, newMaster: summary(master), programming: summary(programming) };
}
