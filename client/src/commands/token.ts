// "DFVisor: Set API Token": stores the runtime's bearer token in VS Code's SecretStorage.
import * as vscode from 'vscode';
import type { Outcome, Services } from '../services.js';

export async function setToken(s: Services, arg?: unknown): Promise<Outcome<{ set: boolean }>> {
  let token = typeof arg === 'string' ? arg : undefined;
  if (token === undefined) {
    token = await vscode.window.showInputBox({
      title: 'DFVisor API token',
      prompt: 'The bearer token for the DFVisor runtime API (kept in VS Code secret storage). Empty: forget the token.',
      password: true,
      ignoreFocusOut: true,
    });
    if (token === undefined) return { ok: false, code: 'CANCELLED', message: 'cancelled' };
  }
  await s.connection.setToken(token.trim() || undefined);
  void vscode.window.showInformationMessage(token.trim() ? 'DFVisor: API token saved.' : 'DFVisor: API token removed.');
  return { ok: true, value: { set: Boolean(token.trim()) } };
}
