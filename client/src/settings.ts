// Settings and the API token (kept in VS Code's SecretStorage, never in settings).
import * as vscode from 'vscode';
import { RuntimeApi, type ApiConnection } from './api/client.js';

export const TOKEN_SECRET = 'dfvisor.api.token';
export const DEFAULT_API_URL = 'http://127.0.0.1:8181';

export function apiUrlSetting(): string {
  return vscode.workspace.getConfiguration('dfvisor').get<string>('api.url') || DEFAULT_API_URL;
}

export function runtimePathSetting(): string {
  return vscode.workspace.getConfiguration('dfvisor').get<string>('runtime.path') ?? '';
}

export function refreshSecondsSetting(): number {
  const n = vscode.workspace.getConfiguration('dfvisor').get<number>('stats.refreshSeconds') ?? 5;
  return Math.max(1, n);
}

/**
 * Where the extension talks to: the embedded runtime it started (while it runs), else the configured URL
 * with the token from SecretStorage.
 */
export class Connection {
  private override: ApiConnection | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    secrets.onDidChange((e) => {
      if (e.key === TOKEN_SECRET) this.changed.fire();
    });
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('dfvisor.api.url')) this.changed.fire();
    });
  }

  setOverride(conn: ApiConnection | undefined): void {
    this.override = conn;
    this.changed.fire();
  }

  get embedded(): boolean {
    return this.override !== undefined;
  }

  async current(): Promise<ApiConnection> {
    if (this.override) return this.override;
    return { url: apiUrlSetting(), token: (await this.secrets.get(TOKEN_SECRET)) ?? undefined };
  }

  async api(): Promise<RuntimeApi> {
    return new RuntimeApi(await this.current());
  }

  async setToken(token: string | undefined): Promise<void> {
    if (token) await this.secrets.store(TOKEN_SECRET, token);
    else await this.secrets.delete(TOKEN_SECRET);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
