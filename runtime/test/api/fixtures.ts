// Slice sources for the API tests: one network and slices of two owners.
export const NETWORK = `network lab {
  switch s1 dpid 1 { port 1..4 speed 1Gbps }
  switch s2 dpid 2 { port 1..4 speed 1Gbps }
  link s1:4 <-> s2:4 capacity 1Gbps
}
`;

export const sliceText = (
  name: string,
  owner: string,
  opts: { port?: number; prefix?: string; guarantee?: string; tag?: number; ctl?: number } = {},
) => `slice ${name} {
  owner "${owner}"
  controller "tcp:127.0.0.1:${opts.ctl ?? 7001}"
  overlay vlan ${opts.tag ?? 100}
  flowspace {
    edge: match ip_src ${opts.prefix ?? '10.1.0.0/16'} on s1:${opts.port ?? 1}, s2:${opts.port ?? 1}
  }
  qos { guarantee ${opts.guarantee ?? '100Mbps'} on s1:4 <-> s2:4 }
}
`;

export const files = (...f: Array<[string, string]>) => ({ files: f.map(([path, text]) => ({ path, text })) });
