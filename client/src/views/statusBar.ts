// A status bar item: where the extension deploys to, and whether that runtime answers.
import * as vscode from 'vscode';
import type { RuntimeWatch, RuntimeSnapshot } from './runtime-watch.js';

export function createStatusBar(model: RuntimeWatch): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('dfvisor.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'DFVisor';
  item.command = 'dfvisor.showStatus';
  const render = (s: RuntimeSnapshot) => {
    if (!s.url) {
      item.text = '$(circle-outline) DFVisor';
    } else if (s.reachable) {
      const rev = s.revision !== null ? ` r${s.revision}` : '';
      item.text = `$(vm-running) DFVisor${s.embedded ? ' (embedded)' : ''}: ${s.slices.length} slice${s.slices.length === 1 ? '' : 's'}${rev}`;
    } else {
      item.text = '$(debug-disconnect) DFVisor: offline';
    }
    item.tooltip = s.reachable ? `DFVisor runtime at ${s.url}` : `DFVisor runtime at ${s.url || '?'}: ${s.error ?? 'not checked yet'}`;
    item.show();
  };
  render(model.current);
  const sub = model.onDidChange(render);
  return vscode.Disposable.from(item, sub);
}
