// "DFVisor: Start Embedded Runtime" / "Stop Embedded Runtime": `dfvisor run` with the embedded store on
// free loopback ports; the extension generates the admin token and uses this runtime while it runs.
import * as vscode from 'vscode';
import { locateRuntime } from '../runtime/locate.js';
import { startEmbeddedRuntime } from '../runtime/embedded.js';
import { runtimePathSetting } from '../settings.js';
import type { Outcome, Services } from '../services.js';

export interface StartedRuntime {
  url: string;
  pid: number;
  source: string;
}

export async function startRuntime(s: Services): Promise<Outcome<StartedRuntime>> {
  const cur = s.embedded.current;
  if (cur) {
    void vscode.window.showInformationMessage(`DFVisor: the embedded runtime is already running at ${cur.url}.`);
    return { ok: true, value: { url: cur.url, pid: cur.pid, source: 'running' } };
  }
  if (!vscode.workspace.isTrusted) {
    const message = 'Start Embedded Runtime runs a program: trust this workspace first (Workspaces: Manage Workspace Trust).';
    void vscode.window.showWarningMessage(`DFVisor: ${message}`);
    return { ok: false, code: 'UNTRUSTED_WORKSPACE', message };
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const runtime = locateRuntime(runtimePathSetting(), s.context.extensionPath, process.execPath, folder);
  const storage = s.context.storageUri ?? s.context.globalStorageUri;
  const dataDir = vscode.Uri.joinPath(storage, 'embedded-runtime').fsPath;
  s.output.appendLine(`[runtime] starting ${runtime.command} ${runtime.args.join(' ')} run (data in ${dataDir})`);
  try {
    const rt = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'DFVisor: starting the embedded runtime…' },
      () => startEmbeddedRuntime({ runtime, dataDir, log: (l) => s.output.appendLine(`[runtime] ${l}`) }),
    );
    s.embedded.current = rt;
    void rt.exited.then((code) => {
      s.output.appendLine(`[runtime] exited with code ${code}`);
      if (s.embedded.current === rt) {
        s.embedded.current = undefined;
        s.connection.setOverride(undefined);
      }
    });
    s.connection.setOverride({ url: rt.url, token: rt.token });
    s.output.appendLine(`[runtime] API at ${rt.url}, switches connect to ${rt.ofListen} (pid ${rt.pid})`);
    void vscode.window.showInformationMessage(`DFVisor: embedded runtime running at ${rt.url}; switches connect to ${rt.ofListen}.`);
    return { ok: true, value: { url: rt.url, pid: rt.pid, source: runtime.source } };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    s.output.appendLine(`[runtime] ${message}`);
    void vscode.window.showErrorMessage(`DFVisor: could not start the embedded runtime: ${message}`);
    return { ok: false, code: 'RUNTIME_START', message };
  }
}

export async function stopRuntime(s: Services): Promise<Outcome<{ stopped: boolean }>> {
  const rt = s.embedded.current;
  if (!rt) return { ok: true, value: { stopped: false } };
  s.embedded.current = undefined;
  s.connection.setOverride(undefined);
  await rt.stop();
  s.output.appendLine('[runtime] stopped');
  return { ok: true, value: { stopped: true } };
}
