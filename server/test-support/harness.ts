// Test harness: spawns the real server (`node server/bin/slice-language-server.js --stdio`)
// and talks LSP to it over JSON-RPC; cursor-marker fixtures; temp workspaces.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node.js';
import type {
  ClientCapabilities,
  CompletionItem,
  CompletionList,
  Diagnostic,
  Hover,
  InitializeResult,
  Location,
  Position,
  PublishDiagnosticsParams,
  Range,
} from 'vscode-languageserver-protocol';

export const SERVER_BIN = resolve(process.cwd(), 'server', 'bin', 'slice-language-server.js');

// ------------------------------------------------------------------ fixtures

export interface Fixture {
  text: string;
  /** `<|>` markers, in order. */
  cursors: Position[];
  /** `<|…|>` markers, in order. */
  ranges: Range[];
}

function posAt(text: string, offset: number): Position {
  let line = 0;
  let ls = 0;
  for (let i = 0; i < offset; i++)
    if (text[i] === '\n') {
      line++;
      ls = i + 1;
    }
  return { line, character: offset - ls };
}

/** Strips `<|>` (a cursor) and `<|…|>` (a range) markers and returns their positions. */
export function fixture(marked: string): Fixture {
  let text = '';
  const cursorOffsets: number[] = [];
  const rangeOffsets: Array<[number, number]> = [];
  const open: number[] = [];
  for (let i = 0; i < marked.length; ) {
    if (marked.startsWith('<|>', i)) {
      cursorOffsets.push(text.length);
      i += 3;
      continue;
    }
    if (marked.startsWith('<|', i)) {
      open.push(text.length);
      i += 2;
      continue;
    }
    if (marked.startsWith('|>', i) && open.length) {
      rangeOffsets.push([open.pop()!, text.length]);
      i += 2;
      continue;
    }
    text += marked[i++];
  }
  rangeOffsets.sort((a, b) => a[0] - b[0]);
  return {
    text,
    cursors: cursorOffsets.map((o) => posAt(text, o)),
    ranges: rangeOffsets.map(([s, e]) => ({ start: posAt(text, s), end: posAt(text, e) })),
  };
}

// ------------------------------------------------------------------ workspaces

export interface TempWorkspace {
  dir: string;
  uri(name: string): string;
  write(name: string, text: string): string;
  cleanup(): void;
}

export function tempWorkspace(files: Record<string, string> = {}): TempWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'slice-ls-test-'));
  const ws: TempWorkspace = {
    dir,
    uri: (name) => pathToFileURL(join(dir, name)).href,
    write: (name, text) => {
      const p = join(dir, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      return ws.uri(name);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [name, text] of Object.entries(files)) ws.write(name, text);
  return ws;
}

// ------------------------------------------------------------------ client

export const DEFAULT_CAPABILITIES: ClientCapabilities = {
  textDocument: {
    synchronization: { dynamicRegistration: false },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    rename: { prepareSupport: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
  },
  workspace: { workspaceFolders: true },
};

export interface StartOptions {
  workspace?: string;
  capabilities?: ClientCapabilities;
  initializationOptions?: Record<string, unknown>;
}

export class LspClient {
  readonly published: PublishDiagnosticsParams[] = [];
  private waiters: Array<() => void> = [];
  private versions = new Map<string, number>();
  readonly stderr: string[] = [];
  initializeResult!: InitializeResult;

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: ProtocolConnection,
  ) {}

  static async start(opts: StartOptions = {}): Promise<LspClient> {
    // SLICE_LS_NODE_ARGS: extra node flags for the server process (e.g. `--cpu-prof` when profiling a benchmark).
    const nodeArgs = (process.env['SLICE_LS_NODE_ARGS'] ?? '').split(' ').filter((x) => x !== '');
    const proc = spawn(process.execPath, [...nodeArgs, SERVER_BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, conn);
    proc.stderr!.on('data', (b: Buffer) => client.stderr.push(b.toString()));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.published.push(p);
      client.wake();
    });
    conn.onNotification('window/logMessage', () => undefined);
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/diagnostic/refresh', () => {
      client.refreshes++;
      client.wake();
      return null;
    });
    conn.onRequest('workspace/semanticTokens/refresh', () => null);
    conn.onRequest('workspace/inlayHint/refresh', () => null);
    conn.onRequest('workspace/codeLens/refresh', () => null);
    conn.listen();
    try {
      const ws = opts.workspace;
      client.initializeResult = (await conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri: ws ? pathToFileURL(ws).href : null,
        workspaceFolders: ws ? [{ uri: pathToFileURL(ws).href, name: 'ws' }] : null,
        capabilities: opts.capabilities ?? DEFAULT_CAPABILITIES,
        initializationOptions: opts.initializationOptions ?? { debounceMs: 30 },
      })) as InitializeResult;
      await conn.sendNotification('initialized', {});
    } catch (e) {
      client.kill();
      throw e;
    }
    return client;
  }

  refreshes = 0;

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /** Resolves when `pred` holds (checked after every notification), fails after `timeoutMs`. */
  async until<T>(pred: () => T | undefined | false, what: string, timeoutMs = 15000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  /** The newest published diagnostics for a URI. */
  latest(uri: string): PublishDiagnosticsParams | undefined {
    for (let i = this.published.length - 1; i >= 0; i--) if (this.published[i]!.uri === uri) return this.published[i];
    return undefined;
  }

  /** Waits for a publish for `uri` (after `since` publishes) whose diagnostics satisfy `pred`. */
  async waitForDiagnostics(uri: string, pred: (ds: Diagnostic[]) => boolean = () => true, since = 0): Promise<Diagnostic[]> {
    return this.until(() => {
      const l = this.published
        .slice(since)
        .filter((p) => p.uri === uri)
        .pop();
      return l && pred(l.diagnostics) ? l.diagnostics : undefined;
    }, `diagnostics for ${uri}`);
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    this.versions.set(uri, version);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'slice', version, text } });
  }

  /** Replaces the whole text (a full-text change). Returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** An incremental change of one range. */
  async edit(uri: string, range: Range, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const r = await this.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position });
    return r ? (Array.isArray(r) ? r : r.items) : [];
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.request('textDocument/hover', { textDocument: { uri }, position });
  }

  definition(uri: string, position: Position): Promise<Location[] | null> {
    return this.request('textDocument/definition', { textDocument: { uri }, position });
  }

  /** Shuts the server down politely, killing it if it does not exit. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((res) => this.proc.once('exit', () => res()));
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    const t = setTimeout(() => this.kill(), 3000);
    await exited;
    clearTimeout(t);
    this.conn.dispose();
  }

  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    this.conn.dispose();
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
}

// ------------------------------------------------------------------ expectations

export async function expectCompletion(
  client: LspClient,
  uri: string,
  position: Position,
  expected: { includes?: string[]; excludes?: string[]; documented?: boolean },
): Promise<CompletionItem[]> {
  const items = await client.completion(uri, position);
  const labels = items.map((i) => i.label);
  for (const l of expected.includes ?? []) assert.ok(labels.includes(l), `completion should offer '${l}'; got ${labels.join(', ')}`);
  for (const l of expected.excludes ?? []) assert.ok(!labels.includes(l), `completion should not offer '${l}'`);
  if (expected.documented) for (const i of items) assert.ok(i.documentation, `item '${i.label}' has documentation`);
  return items;
}

export function hoverText(h: Hover | null): string {
  if (!h) return '';
  const c = h.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return (c as { value: string }).value;
}

export async function expectHover(
  client: LspClient,
  uri: string,
  position: Position,
  ...contains: Array<string | RegExp>
): Promise<string> {
  const text = hoverText(await client.hover(uri, position));
  for (const c of contains) {
    if (typeof c === 'string') assert.ok(text.includes(c), `hover should contain '${c}'; got:\n${text}`);
    else assert.match(text, c);
  }
  return text;
}

export async function expectDefinition(
  client: LspClient,
  uri: string,
  position: Position,
  target: { uri: string; range: Range },
): Promise<void> {
  const locs = await client.definition(uri, position);
  assert.ok(locs && locs.length > 0, 'a definition is found');
  assert.ok(
    locs.some((l) => l.uri === target.uri && sameRange(l.range, target.range)),
    `definition ${JSON.stringify(locs)} should include ${JSON.stringify(target)}`,
  );
}

export async function expectDiagnostics(client: LspClient, uri: string, codes: string[], since = 0): Promise<Diagnostic[]> {
  const want = [...codes].sort().join(',');
  try {
    return await client.waitForDiagnostics(
      uri,
      (ds) =>
        ds
          .map((d) => String(d.code))
          .sort()
          .join(',') === want,
      since,
    );
  } catch (e) {
    const got = client
      .latest(uri)
      ?.diagnostics.map((d) => `${d.code} ${d.message}`)
      .join('\n');
    throw new Error(`${(e as Error).message}: wanted [${want}], last got:\n${got ?? '(nothing)'}`);
  }
}

export function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

/** Applies LSP text edits to a text. */
export function applyEdits(text: string, edits: Array<{ range: Range; newText: string }>): string {
  const off = (p: Position) => {
    let o = 0;
    for (let l = 0; l < p.line; l++) {
      const n = text.indexOf('\n', o);
      o = n < 0 ? text.length : n + 1;
    }
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}
