// The store contract on the embedded global tier, plus what only it has: persistence to a data
// directory (across reopen, across kill -9 of a writing process), the directory lock, compaction.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbeddedStore, commitRevision, currentRevision } from '../../src/store/index.js';
import { storeContract, must } from './contract.js';
import { sharedHandle } from './shared-handle.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dfv-store-'));
}

describe('store contract: embedded (in memory)', () => {
  storeContract({
    async fresh() {
      const store = must(await EmbeddedStore.open());
      return { open: async () => sharedHandle(store), dispose: () => store.close() };
    },
  });
});

describe('store contract: embedded (persisted to a data directory)', () => {
  storeContract({
    async fresh() {
      const dir = tempDir();
      const store = must(await EmbeddedStore.open({ dataDir: dir, compactBytes: 4096 }));
      return {
        open: async () => sharedHandle(store),
        dispose: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  });
});

describe('embedded store persistence', () => {
  it('keeps every acknowledged write across close and reopen; leases and nodes are not kept', async () => {
    const dir = tempDir();
    try {
      const a = must(await EmbeddedStore.open({ dataDir: dir }));
      must(await a.put('tokens', 't1', { owner: 'alice', hash: 'x' }));
      must(await a.put('tokens', 't1', { owner: 'alice', hash: 'y' }));
      must(await a.put('tokens', 't2', { owner: 'bob', hash: 'z' }));
      must(await a.delete('tokens', 't2'));
      must(await commitRevision(a, { plan: 'first' }, 0));
      must(await commitRevision(a, { plan: 'second' }, 1));
      must(await a.acquireLease('switch/1', 'node-a', 5000));
      must(await a.heartbeat({ id: 'node-a', startedAt: 1 }, 5000));
      await a.close();

      const b = must(await EmbeddedStore.open({ dataDir: dir }));
      assert.deepEqual(must(await b.get('tokens', 't1')), { value: { owner: 'alice', hash: 'y' }, version: 2 });
      assert.equal(must(await b.get('tokens', 't2')), undefined);
      const cur = must(await currentRevision(b))!;
      assert.equal(cur.revision, 2);
      assert.deepEqual(cur.body, { plan: 'second' });
      assert.equal(must(await b.get('leases', 'switch/1')), undefined, 'leases die with their process');
      assert.equal(must(await b.get('nodes', 'node-a')), undefined);
      // versions continue where they were
      assert.deepEqual(must(await b.put('tokens', 't1', 'next', { expectVersion: 2 })), { version: 3 });
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads from a snapshot plus the log after compaction', async () => {
    const dir = tempDir();
    try {
      const a = must(await EmbeddedStore.open({ dataDir: dir, compactBytes: 2000 }));
      for (let i = 0; i < 300; i++) must(await a.put('flowspace', `r${i % 40}`, { i, match: { ipv4_dst: `10.0.${i % 250}.0/24` } }));
      assert.ok(existsSync(join(dir, 'store.json')), 'a snapshot was written');
      // Kill-like: do not close (no final snapshot); the lock is left behind by "this" process.
      const b = await EmbeddedStore.open({ dataDir: dir });
      assert.ok(!b.ok && b.error.code === 'io' && /in use/.test(b.error.message), 'a second open of a live directory is refused');
      await a.close();
      const c = must(await EmbeddedStore.open({ dataDir: dir }));
      const all = new Map(must(await c.entries('flowspace')));
      assert.equal(all.size, 40);
      assert.deepEqual(all.get('r19')?.value, { i: 299, match: { ipv4_dst: '10.0.49.0/24' } });
      await c.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives kill -9 of a process writing to it: everything acknowledged is on disk', async () => {
    const dir = tempDir();
    const writer = join(dirname(fileURLToPath(import.meta.url)), 'embedded-writer.js');
    const child = spawn(process.execPath, [writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let acked = -1;
      let buf = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`writer acknowledged only ${acked + 1} writes`)), 20_000);
        child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
        child.stdout!.on('data', (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split('\n');
          buf = lines.pop()!;
          for (const l of lines) if (l.startsWith('ack ')) acked = Number(l.slice(4));
          if (acked >= 200) {
            clearTimeout(timer);
            child.kill('SIGKILL');
            resolve();
          }
        });
      });
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
      assert.equal(child.signalCode, 'SIGKILL');
      assert.ok(existsSync(join(dir, 'lock')), 'the dead writer left its lock behind');
      const store = must(await EmbeddedStore.open({ dataDir: dir }));
      try {
        const count = must(await store.get('meta', 'count'));
        assert.ok(count && (count.value as number) >= acked, `count ${count?.value} covers the last acknowledged write ${acked}`);
        for (let i = 0; i <= acked; i++) {
          assert.deepEqual(must(await store.get('flowspace', `k${i}`))?.value, { i }, `acknowledged write k${i} is there`);
        }
      } finally {
        await store.close();
      }
      assert.ok(!readFileSync(join(dir, 'store.log'), 'utf8').includes('\n\n'));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
