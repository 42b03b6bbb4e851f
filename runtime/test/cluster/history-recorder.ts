// Records a cluster fault test's history for the checker in history.ts: deploys go through
// `deploy()` (request and answer kept), a sampler reads every live node's `GET /v1/revisions` and
// its slice counters (`GET /v1/slices/{n}/stats`) every `intervalMs` while the test runs, and
// `finish()` adds the final revision chain and every switch's table (`ovs-ofctl dump-flows`).
// A node that does not answer a sample (killed, paused) is skipped for that sample.
import type { ClusterRig, NodeHandle } from './rig.js';
import type { CounterSample, DeployRecord, History, RevisionInfo, RevisionSample, SwitchTable } from './history.js';

export class HistoryRecorder {
  readonly deploys: DeployRecord[] = [];
  readonly revisions: RevisionSample[] = [];
  readonly counters: CounterSample[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly rig: ClusterRig,
    /** The slices whose counters are sampled. */
    private readonly slices: string[],
  ) {}

  start(intervalMs = 300): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await Promise.all(this.rig.alive().map((n) => this.sample(n)));
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async sample(n: NodeHandle): Promise<void> {
    try {
      const r = await this.rig.api(n, 'GET', '/v1/revisions');
      if (r.status === 200)
        this.revisions.push({ node: n.id, at: Date.now(), active: r.body.active ?? null, revisions: revisionInfos(r.body.revisions) });
      for (const slice of this.slices) {
        const s = await this.rig.api(n, 'GET', `/v1/slices/${slice}/stats`);
        const at = Date.now();
        if (s.status === 200) this.counters.push({ node: n.id, at, slice, packets: s.body.packets, bytes: s.body.bytes });
        else if (s.status === 404) this.counters.push({ node: n.id, at, slice });
      }
    } catch {
      /* a node that does not answer now (killed, paused, cut off): no sample */
    }
  }

  /** A deploy through the rig, recorded with its answer. */
  async deploy(n: NodeHandle, text: string): Promise<Awaited<ReturnType<ClusterRig['deploy']>>> {
    const startedAt = Date.now();
    const r = await this.rig.deploy(n, text);
    const ok = r.status >= 200 && r.status < 300;
    this.deploys.push({
      node: n.id,
      startedAt,
      endedAt: Date.now(),
      status: r.status,
      ...(ok
        ? {
            revision: r.body.revision,
            slices: (r.body.slices as Array<{ name: string }>).map((s) => s.name),
          }
        : { code: r.body?.code }),
    });
    return r;
  }

  /** Records a deploy whose request could not be completed (the node died while it ran). */
  failed(n: NodeHandle, startedAt: number, error: unknown): void {
    this.deploys.push({ node: n.id, startedAt, endedAt: Date.now(), status: 0, code: String(error) });
  }

  /** The whole history: the final chain from `from`, the tables of `bridges` (each binding `bound`). */
  async finish(from: NodeHandle, bridges: Array<{ bridge: string; bound: string[] }>): Promise<History> {
    await this.stop();
    const r = await this.rig.api(from, 'GET', '/v1/revisions');
    const tables: SwitchTable[] = bridges.map((b) => ({
      bridge: b.bridge,
      expectedSlices: b.bound,
      flows: this.rig.ovs.dumpFlows(b.bridge),
    }));
    return {
      deploys: this.deploys,
      revisions: this.revisions,
      counters: this.counters,
      finalChain: revisionInfos(r.body.revisions),
      tables,
    };
  }
}

function revisionInfos(list: unknown): RevisionInfo[] {
  return (list as Array<{ revision: number; createdAt: string; action?: string; slices: string[] }>).map((r) => ({
    revision: r.revision,
    createdAt: r.createdAt,
    action: r.action,
    slices: [...r.slices],
  }));
}
