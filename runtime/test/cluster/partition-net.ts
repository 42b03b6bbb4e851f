// Network namespaces for partition tests: N namespaces, each with one address on a Linux bridge
// in the root namespace (10.251.<tag>.<i>/24; the root namespace, where Open vSwitch and the test
// run, is .254). A Hazelcast member and a runtime node run in each namespace. `cut(i)` puts
// blackhole routes between namespace i and every other namespace (in both directions), so their
// packets vanish silently as in a real partition, while the root namespace still reaches all of
// them (the switches keep their connections, the test keeps the APIs); `heal(i)` removes them.
// Needs root and iproute2 (`ip`), nothing else. `teardown()` removes everything it made and is
// safe after a partial setup.
import { execFileSync } from 'node:child_process';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export class PartitionNet {
  /** Namespace names, one per member/node. */
  readonly namespaces: string[] = [];
  /** The address of each namespace on the bridge. */
  readonly hosts: string[] = [];
  private readonly bridge: string;
  private readonly cutOff = new Set<number>();

  private constructor(
    private readonly tag: string,
    private readonly subnet: number,
  ) {
    this.bridge = `dfpb${tag}`;
  }

  /** Makes `count` namespaces on a fresh bridge (names carry this process's id, so runs never clash). */
  static create(count: number): PartitionNet {
    const tag = (process.pid % 46656).toString(36).padStart(3, '0');
    const net = new PartitionNet(tag, 1 + (process.pid % 250));
    try {
      net.setUp(count);
      return net;
    } catch (e) {
      net.teardown();
      throw e;
    }
  }

  private setUp(count: number): void {
    const prefix = `10.251.${this.subnet}`;
    ip('link', 'add', this.bridge, 'type', 'bridge');
    ip('addr', 'add', `${prefix}.254/24`, 'dev', this.bridge);
    ip('link', 'set', this.bridge, 'up');
    for (let i = 0; i < count; i++) {
      const ns = `dfvp-${this.tag}-${i + 1}`;
      const outside = `dfp${this.tag}v${i + 1}`;
      const inside = `dfp${this.tag}p${i + 1}`;
      ip('netns', 'add', ns);
      this.namespaces.push(ns);
      ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
      ip('link', 'set', inside, 'netns', ns);
      ip('link', 'set', outside, 'master', this.bridge);
      ip('link', 'set', outside, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'addr', 'add', `${prefix}.${i + 1}/24`, 'dev', inside);
      ip('-n', ns, 'link', 'set', inside, 'up');
      this.hosts.push(`${prefix}.${i + 1}`);
    }
  }

  /** The command prefix that runs a program in namespace i. */
  launcher(i: number): string[] {
    return ['ip', 'netns', 'exec', this.namespaces[i]];
  }

  /** Cuts namespace i off from every other namespace (not from the root namespace). */
  cut(i: number): void {
    this.routes(i, 'add');
    this.cutOff.add(i);
  }

  heal(i: number): void {
    this.routes(i, 'del');
    this.cutOff.delete(i);
  }

  private routes(i: number, op: 'add' | 'del'): void {
    this.namespaces.forEach((ns, j) => {
      if (j === i) return;
      ip('-n', this.namespaces[i], 'route', op, 'blackhole', `${this.hosts[j]}/32`);
      ip('-n', ns, 'route', op, 'blackhole', `${this.hosts[i]}/32`);
    });
  }

  teardown(): void {
    const quiet = (...args: string[]) => {
      try {
        ip(...args);
      } catch {
        /* already gone */
      }
    };
    for (const ns of this.namespaces) quiet('netns', 'del', ns);
    for (let i = 0; i < this.namespaces.length; i++) quiet('link', 'del', `dfp${this.tag}v${i + 1}`);
    quiet('link', 'del', this.bridge);
  }
}
