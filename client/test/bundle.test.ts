// The esbuild bundles: the production language server bundle speaks LSP over stdio (initialize, diagnostics
// for an opened document), and the extension bundle is one CommonJS file that needs only `vscode`.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { clientDir } from './helpers/paths.js';
import { StdioLsp } from './helpers/lsp.js';

interface Bundler {
  bundle(o: { outDir: string; production: boolean; parts: string[] }): Promise<void>;
}

describe('esbuild bundles (production)', () => {
  let out: string;
  let server: ChildProcessWithoutNullStreams | undefined;

  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'dfvisor-bundle-'));
    const { bundle } = (await import(pathToFileURL(join(clientDir, 'esbuild.mjs')).href)) as Bundler;
    await bundle({ outDir: out, production: true, parts: ['extension', 'server'] });
  });

  after(() => {
    server?.kill('SIGKILL');
    rmSync(out, { recursive: true, force: true });
  });

  test('the extension bundle requires nothing but vscode and node built-ins', () => {
    const code = readFileSync(join(out, 'dist-bundle', 'extension.cjs'), 'utf8');
    const required = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    const foreign = [...required].filter((r) => r !== 'vscode' && !r.startsWith('node:') && !isBuiltin(r));
    assert.deepEqual(foreign, [], `the bundle still requires ${foreign.join(', ')}`);
    assert.ok(required.has('vscode'));
  });

  test('the server bundle answers initialize and publishes diagnostics over stdio', async () => {
    server = spawn(process.execPath, [join(out, 'dist-bundle', 'server.cjs'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lsp = new StdioLsp(server);
    const init = await lsp.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    assert.equal(init.error, undefined, JSON.stringify(init.error));
    const caps = (init.result as { capabilities: Record<string, unknown> }).capabilities;
    assert.ok(caps.completionProvider, 'completion');
    assert.ok(caps.hoverProvider, 'hover');
    lsp.notify('initialized', {});
    const uri = 'file:///tmp/dfvisor-bundle-test/broken.slice';
    lsp.notify('textDocument/didOpen', {
      textDocument: {
        uri,
        languageId: 'slice',
        version: 1,
        // With a network in the file, so the slice is checked against it (a slice with no network is SL107).
        text: 'network n { switch s1 dpid 1 { port 1..2 } }\nslice t {\n  controller "tcp:127.0.0.1:6633"\n  flowspace { r: match ip_src 10.0.0.0/8 on s9:1 }\n}\n',
      },
    });
    const pub = await lsp.waitFor(
      (m) =>
        m.method === 'textDocument/publishDiagnostics' &&
        (m.params as { uri: string; diagnostics: unknown[] }).uri === uri &&
        (m.params as { diagnostics: unknown[] }).diagnostics.length > 0,
    );
    const codes = (pub.params as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code);
    assert.ok(codes.includes('SL101'), `expected SL101, got ${codes.join(', ')}`);
    const shut = await lsp.request('shutdown', null);
    assert.equal(shut.error, undefined);
    lsp.notify('exit', null);
    const code = await new Promise<number | null>((r) => server!.on('exit', (c) => r(c)));
    assert.equal(code, 0);
    server = undefined;
  });
});

function isBuiltin(name: string): boolean {
  return [
    'fs',
    'path',
    'os',
    'util',
    'child_process',
    'net',
    'crypto',
    'events',
    'stream',
    'url',
    'assert',
    'tty',
    'http',
    'https',
    'zlib',
    'buffer',
    'string_decoder',
    'worker_threads',
    'perf_hooks',
    'readline',
    'module',
    'fs/promises',
    'timers',
    'process',
  ].includes(name);
}
