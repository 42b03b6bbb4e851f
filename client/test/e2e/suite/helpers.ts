// Helpers for the extension tests: waiting on events (never on the clock), the workbench screenshot hook.
import * as vscode from 'vscode';

/** Resolves with the document's diagnostics once `accept` holds; checks now and on every diagnostics change. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (d: readonly vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const d = vscode.languages.getDiagnostics(uri);
      if (!accept(d)) return false;
      cleanup();
      resolve(d);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    // A guard so a broken run fails with a message instead of hanging: not a wait for the result.
    const guard = setTimeout(() => {
      cleanup();
      const now = vscode.languages
        .getDiagnostics(uri)
        .map((d) => `${String(typeof d.code === 'object' ? d.code.value : d.code)} ${d.message}`);
      reject(new Error(`timed out waiting for ${what} on ${uri.path}; diagnostics now: ${JSON.stringify(now)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(guard);
      sub.dispose();
    };
    check();
  });
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

/**
 * Asks the launcher (client/e2e/code-server-launcher.mjs) to save a PNG of the workbench, after the CSS
 * selector `waitFor` is visible. Returns the file, or undefined when not running under the launcher.
 */
export async function screenshot(name: string, waitFor?: string): Promise<string | undefined> {
  const control = process.env.DFVISOR_E2E_CONTROL;
  if (!control) return undefined;
  const q = new URLSearchParams({ name });
  if (waitFor) q.set('waitFor', waitFor);
  const res = await fetch(`${control}/screenshot?${q.toString()}`, { method: 'POST' });
  if (!res.ok) throw new Error(`screenshot ${name} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { file: string }).file;
}

export function workspaceUri(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the extension tests need a workspace folder (run them through test/e2e/run.ts)');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

/** `p`, or a failure naming `what` if it has not settled after `timeoutMs` (a guard against hanging, not a wait). */
export function guarded<T>(p: Promise<T>, what: string, timeoutMs = 30_000): Promise<T> {
  let guard: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    guard = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(guard));
}

/** Resolves with the first value `event` fires that `accept` holds for. */
export function nextEvent<T>(event: vscode.Event<T>, accept: (v: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const sub = event((v) => {
      if (!accept(v)) return;
      sub.dispose();
      resolve(v);
    });
  });
}
