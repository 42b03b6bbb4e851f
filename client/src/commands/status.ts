// "DFVisor: Show Runtime Status": nodes, switches, slices and controller connections, in the output channel.
import * as vscode from 'vscode';
import type { RuntimeStatus } from '../api/types.js';
import type { Outcome, Services } from '../services.js';

export async function showStatus(s: Services): Promise<Outcome<RuntimeStatus>> {
  const api = await s.connection.api();
  try {
    const st = await api.status();
    s.output.appendLine(formatStatus(api.base, st, s.connection.embedded).join('\n'));
    s.output.show(true);
    return { ok: true, value: st };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(`DFVisor: ${message}`);
    return { ok: false, code: (e as { code?: string }).code ?? 'ERROR', message };
  }
}

export function formatStatus(base: string, st: RuntimeStatus, embedded: boolean): string[] {
  const lines = [`── DFVisor runtime at ${base}${embedded ? ' (embedded)' : ''}: revision ${st.revision ?? '–'}`];
  lines.push(`nodes (${st.nodes?.length ?? 0}):`);
  for (const n of st.nodes ?? []) lines.push(`  ${n.alive ? '●' : '○'} ${n.id}${n.api ? `  ${n.api}` : ''}${n.alive ? '' : '  (down)'}`);
  lines.push(`switches (${st.switches?.length ?? 0}):`);
  for (const w of st.switches ?? []) lines.push(`  ${w.connected ? '●' : '○'} ${w.dpid}${w.master ? `  master ${w.master}` : ''}`);
  lines.push(`slices (${st.slices?.length ?? 0}):`);
  for (const sl of st.slices ?? []) {
    const ctl = sl.controllers.map((c) => `${c.url} ${c.connected ? 'connected' : 'not connected'}`).join(', ');
    lines.push(`  ${sl.name}: ${ctl || 'no controllers'}`);
  }
  return lines;
}
