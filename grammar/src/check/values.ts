// Per-declaration checks: values out of range or malformed (SL201), controller
// endpoints (SL202), missing controller (SL203), duplicate single statements (SL104),
// slices without flowspace (SL501).
import type { Diagnostic } from '../api.js';
import { diagnostic, related } from '../diagnostics/diagnostic.js';
import { lowerMatch } from '../lower/field-match.js';
import { parseEndpoint } from '../lower/endpoint.js';
import { ovsdbAddressProblem } from '../lower/ovsdb-address.js';
import { checkEmptyPermit } from './permit.js';
import type { FieldMatch, GrantDecl, NumberLit, PortRef, Range, RateLit, SliceDecl, SourceFile, MessageRateLit } from '../syntax/ast.js';
import { parseAddressPrefix } from './grant-model.js';

const MAX_OF_PORT = 0xffffff00;

export function checkValues(file: SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const f = file.path;
  const err = (range: Range, message: string, data?: Record<string, unknown>): void => {
    out.push(diagnostic(f, range, 'error', 'SL201', message, [], data));
  };
  const int = (n: NumberLit | undefined, lo: number, hi: number, what: string): void => {
    if (!n) return;
    if (n.value === undefined || !Number.isInteger(n.value) || n.value < lo || n.value > hi) {
      err(n.range, `${what} ${n.text} is out of range ${lo}..${hi}`, { min: lo, max: hi });
    }
  };
  const rate = (r: RateLit | undefined, what: string): void => {
    if (r && (r.bps === undefined || !(r.bps > 0))) err(r.range, `${what} ${r.text} is not a valid rate (e.g. 100Mbps, 1.5Gbps)`);
  };
  const msgRate = (r: MessageRateLit | undefined, what: string): void => {
    if (r && (r.perSecond === undefined || !(r.perSecond > 0))) err(r.range, `${what} ${r.text} is not a valid message rate (e.g. 100/s)`);
  };
  const portRange = (first: NumberLit, last: NumberLit, what: string): void => {
    int(first, 1, MAX_OF_PORT, what);
    int(last, 1, MAX_OF_PORT, what);
    if (first.value !== undefined && last.value !== undefined && first.value > last.value) {
      err(
        { start: first.range.start, end: last.range.end },
        `port range ${first.text}..${last.text} is empty (${first.value} > ${last.value})`,
      );
    }
  };
  const portRef = (p: PortRef): void => {
    if (p.ports.form === 'single') int(p.ports.port, 1, MAX_OF_PORT, 'port');
    else if (p.ports.form === 'range') portRange(p.ports.first, p.ports.last, 'port');
  };
  const match = (fields: FieldMatch[]): void => {
    for (const p of lowerMatch(fields).problems) {
      // A value the parser already reported as missing is not reported twice.
      if (
        p.data?.missingValue &&
        file.errors.some((e) => e.range.start.offset <= p.range.end.offset && p.range.start.offset <= e.range.end.offset)
      )
        continue;
      err(p.range, p.message, p.data);
    }
  };

  for (const item of file.items) {
    if (item.kind === 'Network') {
      for (const m of item.members) {
        if (m.kind === 'Switch') {
          if (m.dpid && m.dpid.value === undefined) {
            err(m.dpid.range, `dpid ${m.dpid.text} is malformed: expected 8 hex pairs (00:00:00:00:00:00:00:01) or a number up to 2^64-1`);
          }
          if (m.ovsdb) {
            const problem = ovsdbAddressProblem(m.ovsdb.value);
            if (problem) err(m.ovsdb.range, `ovsdb address "${m.ovsdb.value}" is malformed: ${problem}`);
          }
          for (const p of m.ports ?? []) {
            if (p.first && p.last) portRange(p.first, p.last, 'port');
            else int(p.first, 1, MAX_OF_PORT, 'port');
            rate(p.speed, 'speed');
          }
        } else if (m.kind === 'Link') {
          if (m.a) portRef(m.a);
          if (m.b) portRef(m.b);
          rate(m.capacity, 'capacity');
        }
      }
    } else if (item.kind === 'Slice') {
      checkSlice(item, file, out, { int, rate, msgRate, portRef, match, err });
    } else {
      checkGrant(item, file, out, { int, rate, msgRate, portRef, match, err });
    }
  }
  return out;
}

interface Helpers {
  int(n: NumberLit | undefined, lo: number, hi: number, what: string): void;
  rate(r: RateLit | undefined, what: string): void;
  msgRate(r: MessageRateLit | undefined, what: string): void;
  portRef(p: PortRef): void;
  match(fields: FieldMatch[]): void;
  err(range: Range, message: string, data?: Record<string, unknown>): void;
}

/** Values of a grant (SL201) and its once-only statements (SL104). */
function checkGrant(g: GrantDecl, file: SourceFile, out: Diagnostic[], h: Helpers): void {
  const f = file.path;
  const who = g.owner?.text ?? 'grant';
  const firsts = new Map<string, Range>();
  const once = (key: string, range: Range, what: string): void => {
    const first = firsts.get(key);
    if (first) out.push(diagnostic(f, range, 'error', 'SL104', `duplicate ${what} in grant ${who}`, [related(f, first, `first ${what}`)]));
    else firsts.set(key, range);
  };
  for (const it of g.items) {
    switch (it.kind) {
      case 'GrantPorts':
        once('ports', it.range, '`ports` statement');
        for (const l of it.ports) if (l.kind === 'PortRef') h.portRef(l);
        break;
      case 'GrantMatch':
        h.match(it.match);
        break;
      case 'GrantBandwidth':
        once('bandwidth', it.range, '`bandwidth` statement');
        h.rate(it.rate, 'bandwidth');
        break;
      case 'GrantSlices':
        once('slices', it.range, '`slices` statement');
        h.int(it.count, 0, 0xffffffff, 'slices');
        break;
      case 'GrantControllers':
        once('controllers', it.range, '`controllers` statement');
        for (const a of it.addresses) {
          if (!parseAddressPrefix(a.text))
            h.err(a.range, `controller address ${a.text} is malformed: expected an IPv4 or IPv6 address or prefix`);
        }
        break;
      case 'GrantDelegate':
        once('delegate', it.range, '`delegate` statement');
        h.int(it.depth, 1, 255, 'delegate depth');
        break;
      case 'Limits':
        for (const l of it.items) {
          if (l.kind === 'FlowEntries') {
            once(`flow_entries:${l.on?.name ?? ''}`, l.range, '`flow_entries` ceiling');
            h.int(l.count, 0, 0xffffffff, 'flow_entries');
          } else if (l.kind === 'ControlRate') {
            once('control_rate', l.range, '`control_rate` ceiling');
            h.msgRate(l.rate, 'control_rate');
          } else {
            once('packet_in_rate', l.range, '`packet_in_rate` ceiling');
            h.msgRate(l.rate, 'packet_in_rate');
          }
        }
        break;
    }
  }
}

function checkSlice(s: SliceDecl, file: SourceFile, out: Diagnostic[], h: Helpers): void {
  const f = file.path;
  const name = s.name?.name ?? '?';
  const where = s.name?.range ?? s.range;
  const firsts = new Map<string, Range>();
  const once = (key: string, range: Range, what: string): void => {
    const first = firsts.get(key);
    if (first) {
      out.push(
        diagnostic(f, range, 'error', 'SL104', `duplicate ${what} in slice '${name}'`, [related(f, first, `first ${what} of '${name}'`)]),
      );
    } else {
      firsts.set(key, range);
    }
  };
  let hasController = false;
  let rules = 0;
  for (const st of s.statements) {
    switch (st.kind) {
      case 'Owner':
        once('owner', st.range, '`owner` statement');
        break;
      case 'Controller':
        once('controller', st.range, '`controller` statement');
        hasController = true;
        for (const e of st.endpoints) {
          const p = parseEndpoint(e.value);
          if (!p.ok) out.push(diagnostic(f, e.range, 'error', 'SL202', `controller endpoint "${e.value}" is malformed: ${p.reason}`));
        }
        break;
      case 'Overlay':
        once('overlay', st.range, '`overlay` statement');
        if (st.mode === 'vlan') h.int(st.tag, 1, 4094, 'overlay vlan');
        else if (st.mode === 'mpls') h.int(st.tag, 16, 1048575, 'overlay mpls label');
        break;
      case 'Flowspace':
        for (const r of st.rules) {
          rules++;
          h.match(r.match);
          for (const l of r.locations ?? []) if (l.kind === 'PortRef') h.portRef(l);
          h.int(r.priority, 0, 65535, 'priority');
          const permit = checkEmptyPermit(file, r);
          if (permit) out.push(permit);
        }
        break;
      case 'Qos':
        for (const q of st.items) {
          if (q.kind === 'Cap') {
            once('cap', q.range, '`cap` statement');
            h.rate(q.rate, 'cap');
          } else if (q.kind === 'Guarantee') {
            h.rate(q.rate, 'guarantee');
            for (const l of q.links) {
              h.portRef(l.a);
              if (l.b) h.portRef(l.b);
            }
          } else {
            h.match(q.match);
            h.rate(q.min, 'min');
            h.rate(q.max, 'max');
            h.int(q.priority, 0, 7, 'class priority');
          }
        }
        break;
      case 'Limits':
        for (const it of st.items) {
          if (it.kind === 'FlowEntries') {
            once(`flow_entries:${it.on?.name ?? ''}`, it.range, it.on ? `\`flow_entries on ${it.on.name}\`` : '`flow_entries` limit');
            h.int(it.count, 0, 0xffffffff, 'flow_entries');
          } else if (it.kind === 'ControlRate') {
            once('control_rate', it.range, '`control_rate` limit');
            h.msgRate(it.rate, 'control_rate');
          } else {
            once('packet_in_rate', it.range, '`packet_in_rate` limit');
            h.msgRate(it.rate, 'packet_in_rate');
          }
        }
        break;
    }
  }
  if (!hasController) {
    out.push(
      diagnostic(f, where, 'error', 'SL203', `slice '${name}' has no controller (add: controller "tcp:127.0.0.1:6633")`, [], {
        slice: name,
      }),
    );
  }
  if (rules === 0) {
    out.push(diagnostic(f, where, 'warning', 'SL501', `slice '${name}' has no flowspace: it owns no traffic`, [], { slice: name }));
  }
}
