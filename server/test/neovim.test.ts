// A second LSP client: Neovim headless starts the server over stdio on a sample
// file (vim.lsp.start) and writes the diagnostics it receives to a file.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_BIN, tempWorkspace } from '../test-support/harness.js';
import { NETWORK } from '../test-support/fixtures.js';

const LUA = `
local function main()
  local out = vim.env.SLICE_OUT
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.SLICE_FILE))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'slice'
  local config = { name = 'slice', cmd = { vim.env.NODE, vim.env.SERVER, '--stdio' }, root_dir = vim.env.SLICE_ROOT }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config) -- Neovim 0.8+
  else
    client_id = vim.lsp.start_client(config) -- Neovim 0.7
    vim.lsp.buf_attach_client(buf, client_id)
  end
  local ok = vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  local lines = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ''
    table.insert(lines, string.format('%s|%d|%d|%d|%s', code, d.lnum, d.col, d.severity, d.message))
  end
  if not ok then table.insert(lines, 'TIMEOUT') end
  vim.fn.writefile(lines, out)
  vim.lsp.stop_client(client_id, true)
end
local ok, err = pcall(main)
if not ok then vim.fn.writefile({ 'ERROR ' .. tostring(err) }, vim.env.SLICE_OUT) end
vim.cmd('qa!')
`;

const hasNvim = spawnSync('nvim', ['--version']).status === 0;

describe('neovim smoke test', () => {
  const ws = tempWorkspace({ 'network.slice': NETWORK });
  after(() => ws.cleanup());

  it('receives the server diagnostics in nvim --headless', { timeout: 60000 }, async () => {
    assert.ok(hasNvim, 'nvim is installed (apt-get install neovim)');
    const file = join(ws.dir, 'tenant.slice');
    ws.write('tenant.slice', 'slice t {\n  controller "tcp:127.0.0.1:6633"\n  flowspace {\n    r: match eth_type arp on s1:7\n  }\n}\n');
    ws.write('init.lua', LUA);
    const out = join(ws.dir, 'diagnostics.txt');
    const nvim = spawn('nvim', ['--headless', '--clean', '-u', join(ws.dir, 'init.lua')], {
      cwd: ws.dir,
      env: { ...process.env, SLICE_OUT: out, SLICE_FILE: file, SLICE_ROOT: ws.dir, NODE: process.execPath, SERVER: SERVER_BIN },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    nvim.stderr!.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const code = await new Promise<number | null>((res) => {
      const t = setTimeout(() => {
        try {
          process.kill(-nvim.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 50000);
      nvim.on('exit', (c) => {
        clearTimeout(t);
        res(c);
      });
    });
    try {
      process.kill(-nvim.pid!, 'SIGKILL');
    } catch {
      /* group already gone */
    }
    assert.ok(existsSync(out), `nvim wrote its diagnostics (exit ${code}): ${stderr}`);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.ok(!lines.some((l) => l === 'TIMEOUT' || l.startsWith('ERROR')), lines.join('\n'));
    assert.equal(lines.length, 1, lines.join('\n'));
    const [c, lnum, col, severity, message] = lines[0]!.split('|');
    assert.equal(c, 'SL102');
    assert.equal(lnum, '3');
    assert.equal(col, '32');
    assert.equal(severity, '1');
    assert.match(message!, /port 7/);
  });
});
