// The deployed sources read back (GET /v1/sources, `dfvisor pull`): the active revision's stored
// blocks grouped into their files again, network blocks first, then slice blocks, each file's
// blocks joined by a blank line and ending in a newline, which gives back a formatted file
// (`dfvisor fmt`) without text outside its blocks byte for byte. Tenants get only their own
// slices' blocks (no network, no other owner's block or file).
import type { Plan } from '@dfvisor/grammar';
import type { Principal } from '../deploy/types.js';
import type { DeployedSourcesView } from '../view/runtime-view.js';
import { isAdmin, ownSliceNames } from './tenant-view.js';

export function sourcesFor(p: Principal, deployed: DeployedSourcesView | undefined, plan: Plan | undefined) {
  if (!deployed) return { revision: 0, files: [] };
  const mine = ownSliceNames(p, plan);
  const blocks = [
    ...(isAdmin(p) ? deployed.network : []),
    ...Object.entries(deployed.slices)
      .filter(([name]) => mine.has(name))
      .map(([, s]) => s),
  ];
  const byPath = new Map<string, string[]>();
  for (const b of blocks) byPath.set(b.path, [...(byPath.get(b.path) ?? []), b.text.trimEnd()]);
  return {
    revision: deployed.revision,
    files: [...byPath].map(([path, texts]) => ({ path, text: `${texts.join('\n\n')}\n` })),
  };
}
