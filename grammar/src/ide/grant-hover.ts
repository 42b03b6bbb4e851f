// Hover text of a grant (docs/language.md, Grants): what an owner's slices may have, with what the
// grant inherits from the one it is carved out of, and how much of it the owner's slices use.
import { grantModels } from '../check/grant-model.js';
import { fromBox } from '../headerspace/space.js';
import { formatRate } from '../notation/rate.js';
import type { EditorProgram } from './editor-program.js';

/** Markdown for the grant of `owner`, or undefined when the owner has none. */
export function grantHover(model: EditorProgram, owner: string): string | undefined {
  const g = grantModels(model.program).get(owner);
  if (!g) return `**${JSON.stringify(owner)}** has no grant${model.program.grants.length ? ' (SL601 for its slices)' : ''}`;
  const used = model.program.slices.filter((s) => s.decl.statements.some((st) => st.kind === 'Owner' && st.value?.value === owner)).length;
  const ports = g.ports
    ? [...g.ports].map(([sw, iv]) => (iv === 'all' ? sw : iv.map(([a, b]) => `${sw}:${a === b ? a : `${a}..${b}`}`).join(', '))).join(', ')
    : 'any';
  const match = g.boxes
    ? g.boxes
        .map((b) =>
          Object.entries(fromBox(b))
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' '),
        )
        .join(' | ')
    : 'any packet';
  const limits = [
    g.limits.flowEntries && `flow_entries ${g.limits.flowEntries.value}`,
    g.limits.controlRate && `control_rate ${g.limits.controlRate.value}/s`,
    g.limits.packetInRate && `packet_in_rate ${g.limits.packetInRate.value}/s`,
  ].filter(Boolean);
  return [
    `**grant ${JSON.stringify(owner)}**${g.info.parent !== undefined ? ` under ${JSON.stringify(g.info.parent)}` : ''}`,
    '',
    `- ports: ${ports}${g.ports ? ' (and the links between them)' : ''}`,
    `- match: ${match}`,
    `- bandwidth: ${g.bandwidth ? `${formatRate(g.bandwidth.bps, 'spaced')} per link` : 'unbounded'}`,
    `- slices: ${used} of ${g.slices ? g.slices.count : 'unlimited'}`,
    `- limits: ${limits.length ? limits.join(', ') : 'none'}`,
    `- controllers: ${g.controllers ? g.controllers.ranges.map((r) => r.text).join(', ') : 'any'}`,
    `- delegate: ${g.delegate > 0 ? `${g.delegate} level(s)` : 'no'}`,
  ].join('\n');
}
