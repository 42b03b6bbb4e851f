// Language server latency over stdio on a large workspace (≥ 10 000 lines):
// diagnostics after a one-line edit (including the 150 ms debounce), completion
// and hover. Prints a table and writes bench/results/lsp.json.
// Run: npx tsc -b server && node server/dist/bench/lsp.bench.js   (from the repository root)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../test-support/harness.js';

const ROOT = process.cwd();
const TARGETS: Record<string, number> = { completion: 50, hover: 50, 'diagnostics after edit': 500 };

function countLines(dir: string): { files: string[]; lines: number } {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.slice'))
    .sort();
  const lines = files.reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').split('\n').length, 0);
  return { files, lines };
}

function workspace(): { dir: string; cleanup: () => void; generated: boolean } {
  const sample = resolve(ROOT, 'samples', 'large');
  if (existsSync(sample) && countLines(sample).lines >= 10000) return { dir: sample, cleanup: () => undefined, generated: false };
  const dir = mkdtempSync(join(tmpdir(), 'slice-ls-bench-'));
  const gen = resolve(ROOT, 'samples', 'large', 'generate.mjs');
  if (existsSync(gen)) execFileSync(process.execPath, [gen, '--rules', '10000', '--out', dir]);
  else generateOwn(dir);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }), generated: true };
}

/** Fallback generator: 100 switches, 20 slices of 500 rules over 10 files. */
function generateOwn(dir: string): void {
  const sw = Array.from({ length: 100 }, (_, i) => `  switch s${i + 1} dpid ${i + 1} { port 1..48 speed 10Gbps }`);
  const links = Array.from({ length: 100 }, (_, i) => `  link s${i + 1}:48 <-> s${((i + 1) % 100) + 1}:47 capacity 10Gbps`);
  writeFileSync(join(dir, 'network.slice'), `network big {\n${sw.join('\n')}\n${links.join('\n')}\n}\n`);
  for (let f = 0; f < 10; f++) {
    let text = '';
    for (let k = f * 2; k < f * 2 + 2; k++) {
      const rules = Array.from(
        { length: 500 },
        (_, j) =>
          `    r${j}: match ip_src 10.${k}.${j >> 6}.${(j & 63) * 4}/30 tcp_dst ${80 + (j % 100)} on s${((k * 7 + (j >> 5)) % 100) + 1}:${(j % 46) + 1}`,
      );
      text += `slice t${k} {\n  controller "tcp:127.0.0.1:${7000 + k}"\n  overlay vlan ${2000 + k}\n  flowspace {\n${rules.join('\n')}\n  }\n}\n`;
    }
    writeFileSync(join(dir, `tenants-${String(f).padStart(3, '0')}.slice`), text);
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function main(): Promise<void> {
  const ws = workspace();
  const { files, lines } = countLines(ws.dir);
  const client = await LspClient.start({ workspace: ws.dir, initializationOptions: {} });
  const results: Record<string, { n: number; p50: number; p95: number; max: number; targetP95: number }> = {};
  try {
    const tenant = files.find((f) => f !== 'network.slice')!;
    const uri = pathToFileURL(join(ws.dir, tenant)).href;
    const text = readFileSync(join(ws.dir, tenant), 'utf8');
    const startT = performance.now();
    await client.waitForDiagnostics(uri);
    const firstCheck = performance.now() - startT;
    await client.open(uri, text);
    await client.waitForDiagnostics(uri, () => true, client.published.length);

    // A rule line to edit, a location to complete after, things to hover.
    const lineArr = text.split('\n');
    const ruleLine = lineArr.findIndex((l) => /^\s+r\d+: match /.test(l));
    const rule = lineArr[ruleLine]!;
    const prio = /priority (\d+)/.exec(rule);

    const diag: number[] = [];
    let current = text;
    for (let i = 0; i < 30; i++) {
      // One-line edit: change the priority (or the tcp port) of one rule.
      const edited = prio
        ? rule.replace(/priority \d+/, `priority ${1000 + i}`)
        : rule.replace(/tcp_dst \d+|udp_dst \d+/, `tcp_dst ${2000 + i}`);
      const range = { start: { line: ruleLine, character: 0 }, end: { line: ruleLine, character: current.split('\n')[ruleLine]!.length } };
      const since = client.published.length;
      const t0 = performance.now();
      const v = await client.edit(uri, range, edited);
      await client.until(() => client.published.slice(since).some((p) => p.uri === uri && p.version === v), 'diagnostics');
      diag.push(performance.now() - t0);
      const ls = current.split('\n');
      ls[ruleLine] = edited;
      current = ls.join('\n');
    }

    const onCol = rule.indexOf(' on ') + 4;
    const completion: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      const items = await client.completion(uri, { line: ruleLine, character: onCol });
      completion.push(performance.now() - t0);
      if (i === 0 && items.length === 0) throw new Error('no completion items');
    }
    const swCol = onCol + 1;
    const fieldCol = rule.indexOf('match ') + 7;
    const hover: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      const h = await client.hover(uri, { line: ruleLine + (i % 20), character: i % 2 ? swCol : fieldCol });
      hover.push(performance.now() - t0);
      if (i === 0 && !h) throw new Error('no hover');
    }
    const put = (name: string, xs: number[]) => {
      results[name] = {
        n: xs.length,
        p50: +pct(xs, 50).toFixed(1),
        p95: +pct(xs, 95).toFixed(1),
        max: +Math.max(...xs).toFixed(1),
        targetP95: TARGETS[name]!,
      };
    };
    put('diagnostics after edit', diag);
    put('completion', completion);
    put('hover', hover);

    console.log(
      `workspace: ${ws.generated ? 'generated' : 'samples/large'}, ${files.length} files, ${lines} lines; first full check ${firstCheck.toFixed(0)} ms`,
    );
    console.log('| operation | n | p50 ms | p95 ms | max ms | target p95 ms | ok |');
    console.log('|---|---|---|---|---|---|---|');
    for (const [name, r] of Object.entries(results)) {
      console.log(`| ${name} | ${r.n} | ${r.p50} | ${r.p95} | ${r.max} | < ${r.targetP95} | ${r.p95 < r.targetP95 ? 'yes' : 'NO'} |`);
    }
    const out = resolve(ROOT, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'lsp.json'),
      `${JSON.stringify(
        {
          benchmark: 'lsp',
          date: new Date().toISOString(),
          node: process.version,
          workspace: { source: ws.generated ? 'generated' : 'samples/large', files: files.length, lines },
          debounceMs: 150,
          firstCheckMs: +firstCheck.toFixed(1),
          results,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await client.stop();
    ws.cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
