// SL601–SL607: slices checked against their owner's grant, and grants against the grants they
// are carved out of (docs/language.md, "Grants"). Linear in rules × locations: each rule is
// compared only with its own owner's grant (a few boxes and port intervals).
import type { Diagnostic, RelatedInfo } from '../api.js';
import { diagnostic, related } from '../diagnostics/diagnostic.js';
import type { Program, SliceInfo } from '../bind/program.js';
import { type Reservation, reservationsByLink } from './admission.js';
import { admitCore } from './core-admission.js';
import { resolveLocations } from '../bind/locations.js';
import { sliceViewPorts } from '../bind/view.js';
import { uncoveredPart } from '../headerspace/difference.js';
import { type HeaderBox, boxCovers, formatPacket, toBox, witnessInBox } from '../headerspace/space.js';
import { lowerMatch } from '../lower/field-match.js';
import { parseEndpoint } from '../lower/endpoint.js';
import { formatRate } from '../notation/rate.js';
import type { Range } from '../syntax/ast.js';
import {
  type GrantModel,
  type Source,
  addressAllowed,
  firstPortOutside,
  grantLinkPorts,
  grantModels,
  ownModel,
  parseAddressPrefix,
} from './grant-model.js';

/**
 * Whom the grants bind in a check. `everyone` (the default: editors, `dfvisor check`): every
 * slice, once the workspace has a grant. `admin`: no slice (the operator is not bound by grants;
 * grants are still checked against each other). `tenant`: the slices of that owner, once the
 * runtime has a grant (an owner without one is SL601); other owners' slices are not checked.
 */
export type GrantScope = { kind: 'everyone' } | { kind: 'admin' } | { kind: 'tenant'; owner: string };

export const GRANT_CODES = ['SL601', 'SL602', 'SL603', 'SL604', 'SL605', 'SL606', 'SL607'] as const;

const at = (s: Source, message: string): RelatedInfo => related(s.file, s.range, message);

function ownerOf(s: SliceInfo): { value: string; range: Range } | undefined {
  for (const st of s.decl.statements) if (st.kind === 'Owner' && st.value) return { value: st.value.value, range: st.range };
  return undefined;
}

function sliceRange(s: SliceInfo): Range {
  return s.decl.name?.range ?? s.decl.range;
}

export function checkGrants(program: Program, scope: GrantScope = { kind: 'everyone' }): Diagnostic[] {
  const out: Diagnostic[] = [];
  const models = grantModels(program);
  checkNested(program, models, out);
  checkSiblings(program, models, out);
  if (scope.kind === 'admin' || program.grants.length === 0) return out;
  const byOwner = new Map<string, SliceInfo[]>();
  for (const s of program.slices) {
    const owner = ownerOf(s);
    if (scope.kind === 'tenant' && owner?.value !== scope.owner) continue;
    const g = owner && models.get(owner.value);
    if (!owner || !g) {
      out.push(noGrant(s, owner?.value));
      continue;
    }
    let list = byOwner.get(owner.value);
    if (!list) byOwner.set(owner.value, (list = []));
    list.push(s);
  }
  const reservations = withVirtualGuarantees(program, reservationsByLink(program));
  for (const [owner, slices] of byOwner) {
    const g = models.get(owner)!;
    checkCount(g, slices, out);
    checkBandwidth(program, reservations, g, slices, out);
    for (const s of slices) {
      checkFlowspace(program, g, s, out);
      checkLimits(g, s, out);
      checkControllers(g, s, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------- SL601

function noGrant(s: SliceInfo, owner: string | undefined): Diagnostic {
  const message =
    owner === undefined
      ? `slice '${s.name}' has no owner, and slices are deployed inside grants: add the owner whose grant it uses`
      : `slice '${s.name}' belongs to "${owner}", who has no grant in this network`;
  return diagnostic(s.file, sliceRange(s), 'error', 'SL601', message, [], { slice: s.name, owner: owner ?? null });
}

// ---------------------------------------------------------------- SL602

function checkFlowspace(program: Program, g: GrantModel, s: SliceInfo, out: Diagnostic[]): void {
  const linkPorts = grantLinkPorts(program, g);
  let sliceLinks: Map<string, Set<number>> | undefined;
  for (const rule of s.rules) {
    const box = toBox(lowerMatch(rule.decl.match).match);
    if (!box) continue; // matches no packet: claims nothing
    const locs = resolveLocations(program, rule.decl.locations);
    const range = rule.decl.name?.range ?? rule.decl.range;
    const firstLoc = locs[0];
    const firstPlace = firstLoc ? placeText(firstLoc.switch.name, firstLoc.ports) : undefined;
    const outside = g.boxes ? uncovered(box, g.boxes) : undefined;
    if (outside && firstPlace !== undefined) {
      const witness = formatPacket(witnessInBox(outside));
      out.push(
        diagnostic(
          s.file,
          range,
          'error',
          'SL602',
          `rule ${s.name}.${rule.name} claims packets like ${witness} at ${firstPlace}, outside the grant of "${g.info.owner}"`,
          [at(g.matchAt!, `the header space granted to "${g.info.owner}"`)],
          { grant: g.info.owner, slice: s.name, rule: rule.name, witness, location: firstPlace },
        ),
      );
      continue;
    }
    if (!g.ports) continue;
    for (const loc of locs) {
      sliceLinks ??= sliceViewPorts(program, s).link;
      const sw = loc.switch;
      // A link port is granted only as the slice's own link port (its traffic carries its tag there).
      const own = sliceLinks.get(sw.name);
      const extra = own && linkPorts.get(sw.name) ? new Set([...own].filter((p) => linkPorts.get(sw.name)!.has(p))) : undefined;
      const lo = loc.ports === 'all' ? 1 : loc.ports.lo;
      const hi = loc.ports === 'all' ? 0xffffffff : loc.ports.hi;
      const port = firstPortOutside(sw, lo, hi, g.ports.get(sw.name), extra);
      if (port === undefined) continue;
      const witness = formatPacket(witnessInBox(box));
      const location = `${sw.name}:${port}`;
      out.push(
        diagnostic(
          s.file,
          loc.range,
          'error',
          'SL602',
          `rule ${s.name}.${rule.name} claims packets like ${witness} at ${location}, a port outside the grant of "${g.info.owner}"`,
          [at(g.portsAt!, `the ports granted to "${g.info.owner}"`)],
          { grant: g.info.owner, slice: s.name, rule: rule.name, witness, location },
        ),
      );
      break;
    }
  }
}

function uncovered(box: HeaderBox, union: HeaderBox[]): HeaderBox | undefined {
  for (const b of union) if (boxCovers(b, box)) return undefined;
  return uncoveredPart(box, union);
}

function placeText(sw: string, ports: { lo: number; hi: number } | 'all'): string {
  if (ports === 'all') return sw;
  return ports.lo === ports.hi ? `${sw}:${ports.lo}` : `${sw}:${ports.lo}..${ports.hi}`;
}

// ---------------------------------------------------------------- SL603

function checkCount(g: GrantModel, slices: SliceInfo[], out: Diagnostic[]): void {
  if (!g.slices || slices.length <= g.slices.count) return;
  for (const s of slices.slice(g.slices.count)) {
    out.push(
      diagnostic(
        s.file,
        sliceRange(s),
        'error',
        'SL603',
        `"${g.info.owner}" has ${slices.length} slices; the grant allows ${g.slices.count} (slice '${s.name}' is one too many)`,
        [at(g.slices.at, `the grant of "${g.info.owner}" allows ${g.slices.count} slices`)],
        { grant: g.info.owner, slices: slices.length, allowed: g.slices.count },
      ),
    );
  }
}

// ---------------------------------------------------------------- SL604

/**
 * The guarantees per link with, in a network with a managed core, each virtual-link guarantee
 * counted on every link of its preferred path (where it is reserved): a grant's `bandwidth`
 * bounds those too.
 */
function withVirtualGuarantees(program: Program, physical: Map<string, Reservation[]>): Map<string, Reservation[]> {
  if (program.core.size === 0) return physical;
  const out = new Map([...physical].map(([k, v]) => [k, [...v]]));
  for (const list of admitCore(program).bySlice.values()) {
    for (const v of list) {
      for (const l of v.paths[0]?.links ?? []) {
        let rs = out.get(l.key);
        if (!rs) out.set(l.key, (rs = []));
        for (const g of v.guarantees) rs.push({ slice: v.slice.name, file: g.file, range: g.range, bps: g.bps });
      }
    }
  }
  return out;
}

function checkBandwidth(
  program: Program,
  reservations: Map<string, Reservation[]>,
  g: GrantModel,
  slices: SliceInfo[],
  out: Diagnostic[],
): void {
  if (!g.bandwidth) return;
  const limit = g.bandwidth.bps;
  const grantAt = at(g.bandwidth.at, `the grant of "${g.info.owner}" allows ${formatRate(limit, 'compact')} per link`);
  for (const s of slices) {
    for (const st of s.decl.statements) {
      if (st.kind !== 'Qos') continue;
      for (const q of st.items) {
        if (q.kind !== 'Cap' || q.rate?.bps === undefined || q.rate.bps <= limit) continue;
        out.push(
          diagnostic(
            s.file,
            q.range,
            'error',
            'SL604',
            `cap ${formatRate(q.rate.bps, 'compact')} of slice '${s.name}' is above the ${formatRate(limit, 'compact')} granted to "${g.info.owner}"`,
            [grantAt],
            { grant: g.info.owner, bps: q.rate.bps, grantedBps: limit, fitsBps: limit },
          ),
        );
      }
    }
  }
  const mine = new Set(slices.map((s) => `${s.file}\0${s.name}`));
  // A virtual-link guarantee crosses several links: it is reported once, for the first of them (by link key).
  const reported = new Set<string>();
  for (const [key, all] of [...reservations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const list = all.filter((r) => mine.has(`${r.file}\0${r.slice}`));
    const sum = list.reduce((a, r) => a + r.bps, 0);
    if (sum <= limit) continue;
    const link = program.linkByKey.get(key)!;
    for (const r of list) {
      const where = `${r.file}#${r.range.start.offset}`;
      if (reported.has(where)) continue;
      reported.add(where);
      const fits = Math.max(0, limit - (sum - r.bps));
      const others = list
        .filter((o) => o !== r)
        .map((o) => related(o.file, o.range, `slice '${o.slice}' guarantees ${formatRate(o.bps, 'compact')} here`));
      out.push(
        diagnostic(
          r.file,
          r.range,
          'error',
          'SL604',
          `guarantees of "${g.info.owner}" on link ${link.id} add up to ${formatRate(sum, 'compact')}, above the ${formatRate(limit, 'compact')} granted`,
          [grantAt, ...others],
          { grant: g.info.owner, link: link.id, sumBps: sum, grantedBps: limit, fitsBps: fits },
        ),
      );
    }
  }
}

// ---------------------------------------------------------------- SL605

function checkLimits(g: GrantModel, s: SliceInfo, out: Diagnostic[]): void {
  const report = (range: Range, what: string, value: number, ceiling: { value: number; at: Source }, unit: string) => {
    if (value <= ceiling.value) return;
    out.push(
      diagnostic(
        s.file,
        range,
        'error',
        'SL605',
        `${what} ${value}${unit} of slice '${s.name}' is above the ceiling ${ceiling.value}${unit} granted to "${g.info.owner}"`,
        [at(ceiling.at, `the ceiling of "${g.info.owner}"`)],
        { grant: g.info.owner, limit: what, value, ceiling: ceiling.value },
      ),
    );
  };
  for (const st of s.decl.statements) {
    if (st.kind !== 'Limits') continue;
    for (const it of st.items) {
      if (it.kind === 'FlowEntries' && it.count?.value !== undefined) {
        const c = (it.on && g.limits.flowEntriesOn.get(it.on.name)) || g.limits.flowEntries;
        if (c) report(it.range, it.on ? `flow_entries on ${it.on.name}` : 'flow_entries', it.count.value, c, '');
      } else if (it.kind === 'ControlRate' && it.rate?.perSecond !== undefined && g.limits.controlRate) {
        report(it.range, 'control_rate', it.rate.perSecond, g.limits.controlRate, '/s');
      } else if (it.kind === 'PacketInRate' && it.rate?.perSecond !== undefined && g.limits.packetInRate) {
        report(it.range, 'packet_in_rate', it.rate.perSecond, g.limits.packetInRate, '/s');
      }
    }
  }
}

// ---------------------------------------------------------------- SL606

function checkControllers(g: GrantModel, s: SliceInfo, out: Diagnostic[]): void {
  if (!g.controllers) return;
  const allowed = g.controllers.ranges;
  for (const st of s.decl.statements) {
    if (st.kind !== 'Controller') continue;
    for (const e of st.endpoints) {
      const p = parseEndpoint(e.value);
      if (!p.ok) continue; // SL202
      const addr = parseAddressPrefix(p.value.host);
      if (addr && addressAllowed(addr, allowed)) continue;
      const why = addr
        ? `${p.value.host} is not among the controller addresses`
        : `${p.value.host} is a host name (only an address can be proven inside) and not among the controller addresses`;
      out.push(
        diagnostic(
          s.file,
          e.range,
          'error',
          'SL606',
          `controller "${e.value}" of slice '${s.name}': ${why} granted to "${g.info.owner}" (${allowed.map((a) => a.text).join(', ')})`,
          [at(g.controllers.at, `the controller addresses granted to "${g.info.owner}"`)],
          { grant: g.info.owner, host: p.value.host, allowed: allowed.map((a) => a.text) },
        ),
      );
    }
  }
}

// ---------------------------------------------------------------- SL607

function checkNested(program: Program, models: Map<string, GrantModel>, out: Diagnostic[]): void {
  for (const info of program.grantByOwner.values()) {
    if (info.parent === undefined) continue;
    const decl = info.decl;
    const where = decl.parent?.range ?? decl.range;
    const fail = (message: string, rel: RelatedInfo[], data: Record<string, unknown>, range: Range = where) =>
      out.push(diagnostic(info.file, range, 'error', 'SL607', message, rel, { grant: info.owner, parent: info.parent, ...data }));
    const parent = models.get(info.parent);
    if (!parent) {
      fail(`grant for "${info.owner}" is under "${info.parent}", who has no grant`, [], { reason: 'no-parent' });
      continue;
    }
    if (chainLoops(program, info.owner)) {
      fail(`grant for "${info.owner}" is under itself (through "${info.parent}")`, [], { reason: 'cycle' });
      continue;
    }
    const pAt = (s: Source | undefined, what: string) =>
      s ? [at(s, what)] : [at({ file: parent.info.file, range: parent.info.decl.range, owner: '' }, what)];
    if (parent.delegate < 1) {
      fail(`"${info.parent}" may not delegate: its grant has no \`delegate\``, pAt(undefined, `the grant of "${info.parent}"`), {
        reason: 'no-delegate',
      });
      continue;
    }
    const own = ownModel(program, info);
    if (own.delegate > parent.delegate - 1)
      fail(
        `grant for "${info.owner}" delegates ${own.delegate} level(s); "${info.parent}" allows ${parent.delegate - 1} below it`,
        pAt(parent.delegateAt, `delegate of "${info.parent}"`),
        { reason: 'delegate' },
        own.delegateAt!.range,
      );
    // Ports: every granted port of the child is a port (or link port) of the parent.
    const parentPorts = parent.ports;
    if (own.ports && parentPorts) {
      const parentLinks = grantLinkPorts(program, parent);
      for (const [swName, ivs] of own.ports) {
        const sw = program.switches.get(swName)!;
        const spans: Array<[number, number]> = ivs === 'all' ? [[1, 0xffffffff]] : ivs;
        const port = spans
          .map(([lo, hi]) => firstPortOutside(sw, lo, hi, parentPorts.get(swName), parentLinks.get(swName)))
          .find((p) => p !== undefined);
        if (port !== undefined) {
          fail(
            `grant for "${info.owner}" has port ${swName}:${port}, outside the grant of "${info.parent}"`,
            pAt(parent.portsAt, `ports of "${info.parent}"`),
            {
              reason: 'ports',
              location: `${swName}:${port}`,
            },
            own.portsAt!.range,
          );
          break;
        }
      }
    }
    if (own.boxes && parent.boxes) {
      for (const b of own.boxes) {
        const outside = uncovered(b, parent.boxes);
        if (outside) {
          const witness = formatPacket(witnessInBox(outside));
          fail(
            `grant for "${info.owner}" has packets like ${witness}, outside the grant of "${info.parent}"`,
            pAt(parent.matchAt, `header space of "${info.parent}"`),
            {
              reason: 'match',
              witness,
            },
            own.matchAt!.range,
          );
          break;
        }
      }
    }
    const bigger = (
      what: string,
      mineV: number | undefined,
      theirs: { value: number; at: Source } | undefined,
      range: Range | undefined,
      show: (v: number) => string = String,
    ) => {
      if (!theirs || mineV === undefined || mineV <= theirs.value || !range) return;
      fail(
        `grant for "${info.owner}" has ${what} ${show(mineV)}, above the ${show(theirs.value)} of "${info.parent}"`,
        [at(theirs.at, `${what} of "${info.parent}"`)],
        { reason: what },
        range,
      );
    };
    bigger(
      'bandwidth',
      own.bandwidth?.bps,
      parent.bandwidth && { value: parent.bandwidth.bps, at: parent.bandwidth.at },
      own.bandwidth?.at.range,
      (v) => formatRate(v, 'compact'),
    );
    bigger('slices', own.slices?.count, parent.slices && { value: parent.slices.count, at: parent.slices.at }, own.slices?.at.range);
    bigger('flow_entries', own.limits.flowEntries?.value, parent.limits.flowEntries, own.limits.flowEntries?.at.range);
    bigger('control_rate', own.limits.controlRate?.value, parent.limits.controlRate, own.limits.controlRate?.at.range, (v) => `${v}/s`);
    bigger(
      'packet_in_rate',
      own.limits.packetInRate?.value,
      parent.limits.packetInRate,
      own.limits.packetInRate?.at.range,
      (v) => `${v}/s`,
    );
    if (own.controllers && parent.controllers) {
      const wide = own.controllers.ranges.find((r) => !addressAllowed(r, parent.controllers!.ranges));
      if (wide)
        fail(
          `grant for "${info.owner}" allows controllers at ${wide.text}, outside those of "${info.parent}"`,
          [at(parent.controllers.at, `controllers of "${info.parent}"`)],
          { reason: 'controllers' },
          own.controllers.at.range,
        );
    }
  }
}

/**
 * The grants directly under one parent together: their stated `bandwidth` and `slices` may not add up to
 * more than the parent's (a child that states none shares the parent's and adds nothing; a child above the
 * parent on its own is reported by checkNested and left out of the sum). One SL607 per parent and kind, on
 * the child whose value crosses the parent's, linked to the parent's value and the siblings before it.
 */
function checkSiblings(program: Program, models: Map<string, GrantModel>, out: Diagnostic[]): void {
  const children = new Map<string, GrantModel[]>();
  for (const info of program.grants) {
    if (info.parent === undefined || program.grantByOwner.get(info.owner) !== info) continue;
    const parent = models.get(info.parent);
    if (!parent || parent.delegate < 1 || chainLoops(program, info.owner)) continue;
    let list = children.get(info.parent);
    if (!list) children.set(info.parent, (list = []));
    list.push(ownModel(program, info));
  }
  for (const [parentOwner, kids] of children) {
    const parent = models.get(parentOwner)!;
    const sum = (
      what: 'bandwidth' | 'slices',
      value: (g: GrantModel) => { value: number; at: Source } | undefined,
      show: (v: number) => string,
    ) => {
      const limit = value(parent);
      if (!limit) return;
      let total = 0;
      const before: Array<{ v: number; at: Source; owner: string }> = [];
      for (const kid of kids) {
        const mine = value(kid);
        if (!mine || mine.value > limit.value) continue;
        total += mine.value;
        if (total > limit.value) {
          out.push(
            diagnostic(
              kid.info.file,
              mine.at.range,
              'error',
              'SL607',
              `the grants under "${parentOwner}" add up to ${what} ${show(total)} with "${kid.info.owner}", above the ${show(limit.value)} of "${parentOwner}"`,
              [at(limit.at, `${what} of "${parentOwner}"`), ...before.map((b) => at(b.at, `${what} ${show(b.v)} of "${b.owner}"`))],
              { grant: kid.info.owner, parent: parentOwner, reason: `siblings-${what}`, total: total },
            ),
          );
          return;
        }
        before.push({ v: mine.value, at: mine.at, owner: kid.info.owner });
      }
    };
    sum(
      'bandwidth',
      (g) => g.bandwidth && { value: g.bandwidth.bps, at: g.bandwidth.at },
      (v) => formatRate(v, 'compact'),
    );
    sum('slices', (g) => g.slices && { value: g.slices.count, at: g.slices.at }, String);
  }
}

function chainLoops(program: Program, owner: string): boolean {
  const seen = new Set<string>([owner]);
  let cur = program.grantByOwner.get(owner)?.parent;
  while (cur !== undefined) {
    if (seen.has(cur)) return cur === owner;
    seen.add(cur);
    cur = program.grantByOwner.get(cur)?.parent;
  }
  return false;
}
