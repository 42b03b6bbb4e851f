// "DFVisor: Undeploy Slice": pick a deployed slice (or take it from the tree or an argument) and delete it.
import * as vscode from 'vscode';
import type { Outcome, Services } from '../services.js';

export async function undeploySlice(s: Services, arg?: unknown): Promise<Outcome<{ slice: string; revision: number }>> {
  let name = typeof arg === 'string' ? arg : sliceOfNode(arg);
  const api = await s.connection.api();
  try {
    if (!name) {
      const slices = await api.listSlices();
      if (slices.length === 0) {
        void vscode.window.showInformationMessage(`DFVisor: no slices are deployed on ${api.base}.`);
        return { ok: false, code: 'NOTHING', message: 'no slices deployed' };
      }
      const pick = await vscode.window.showQuickPick(
        slices.map((x) => ({
          label: x.name,
          description: [x.owner, x.overlay ? `${x.overlay.type} ${x.overlay.tag ?? ''}` : ''].filter(Boolean).join(' · '),
          detail: `${x.switches.length} switches`,
        })),
        { title: 'Undeploy which slice?', placeHolder: 'slice name' },
      );
      if (!pick) return { ok: false, code: 'CANCELLED', message: 'cancelled' };
      name = pick.label;
    }
    const r = await api.deleteSlice(name);
    s.output.appendLine(`[undeploy] ${name}: revision ${r.revision}`);
    void vscode.window.showInformationMessage(`DFVisor: undeployed ${name} (revision ${r.revision}).`);
    void s.model.refresh();
    return { ok: true, value: { slice: name, revision: r.revision } };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(`DFVisor: ${message}`);
    return { ok: false, code: (e as { code?: string }).code ?? 'ERROR', message };
  }
}

function sliceOfNode(arg: unknown): string | undefined {
  if (arg && typeof arg === 'object' && 'slice' in arg) {
    const s = (arg as { slice?: { name?: unknown } }).slice;
    if (s && typeof s.name === 'string') return s.name;
  }
  return undefined;
}
