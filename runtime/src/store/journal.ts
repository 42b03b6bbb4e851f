// Durable state of the embedded store in a data directory:
//   store.json  a snapshot {format, seq, maps: {map: {key: [version, value]}}}, replaced atomically
//               (write store.json.tmp, fsync, rename, fsync the directory);
//   store.log   one JSON line per write since the snapshot, appended and fdatasync'ed before the
//               write is acknowledged (group commit: writes that arrive together share one fsync);
//   lock        the pid of the process that has the directory open.
// Loading reads the snapshot and replays the log lines whose seq is newer; a torn last line (the
// process died mid-append) is ignored, since its write was never acknowledged.
import { promises as fsp, existsSync, readFileSync, writeFileSync, openSync, closeSync, mkdirSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Json, Versioned } from './types.js';

export type MapState = Map<string, Map<string, Versioned>>;

export type JournalRecord = { s: number; m: string; k: string; v: number; d: Json } | { s: number; m: string; k: string; x: 1 };

export interface LoadedState {
  seq: number;
  maps: MapState;
  /** Log lines that could not be parsed (only a torn last line is expected). */
  skippedLines: number;
}

interface Snapshot {
  format: 'dfvisor-store';
  seq: number;
  maps: Record<string, Record<string, [number, Json]>>;
}

export interface JournalOptions {
  /** Rewrite the snapshot once the log holds this many bytes (default 8 MiB). */
  compactBytes?: number;
}

export class Journal {
  private log: fsp.FileHandle | undefined;
  private logBytes = 0;
  private pending: string[] = [];
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;
  private failed: unknown;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly snapshotOf: () => { seq: number; maps: MapState },
    private readonly compactBytes: number,
  ) {}

  /** Locks the directory, loads its state and opens the log for appending. Throws on I/O errors. */
  static async open(
    dir: string,
    snapshotOf: () => { seq: number; maps: MapState },
    options: JournalOptions = {},
  ): Promise<{ journal: Journal; state: LoadedState }> {
    mkdirSync(dir, { recursive: true });
    lockDirectory(dir);
    try {
      const state = loadState(dir);
      const journal = new Journal(dir, snapshotOf, options.compactBytes ?? 8 * 1024 * 1024);
      journal.log = await fsp.open(join(dir, 'store.log'), 'a');
      journal.logBytes = (await journal.log.stat()).size;
      return { journal, state };
    } catch (e) {
      unlockDirectory(dir);
      throw e;
    }
  }

  /** Resolves once the record is on disk. */
  append(record: JournalRecord): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error('journal closed'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push(JSON.stringify(record) + '\n');
      this.waiters.push({ resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const lines = this.pending.join('');
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          await this.log!.write(lines);
          await this.log!.datasync();
          this.logBytes += Buffer.byteLength(lines);
          for (const w of waiters) w.resolve();
        } catch (e) {
          this.failed = e;
          for (const w of [...waiters, ...this.waiters]) w.reject(e);
          this.waiters = [];
          this.pending = [];
          return;
        }
        if (this.logBytes >= this.compactBytes) await this.compact();
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Writes a snapshot of the current state and starts an empty log. */
  private async compact(): Promise<void> {
    const { seq, maps } = this.snapshotOf();
    await writeFileAtomic(this.dir, 'store.json', JSON.stringify(toSnapshot(seq, maps)));
    await this.log!.close();
    this.log = await fsp.open(join(this.dir, 'store.log'), 'w');
    await this.log.datasync();
    this.logBytes = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing.catch(() => undefined);
    if (!this.failed) await this.compact().catch(() => undefined);
    await this.log?.close().catch(() => undefined);
    unlockDirectory(this.dir);
  }
}

function toSnapshot(seq: number, maps: MapState): Snapshot {
  const out: Snapshot = { format: 'dfvisor-store', seq, maps: {} };
  for (const [name, entries] of maps) {
    const m: Record<string, [number, Json]> = {};
    for (const [k, v] of entries) m[k] = [v.version, v.value];
    out.maps[name] = m;
  }
  return out;
}

function loadState(dir: string): LoadedState {
  const maps: MapState = new Map();
  let seq = 0;
  const snapPath = join(dir, 'store.json');
  if (existsSync(snapPath)) {
    const snap = JSON.parse(readFileSync(snapPath, 'utf8')) as Snapshot;
    if (snap.format !== 'dfvisor-store') throw new Error(`${snapPath} is not a DFVisor store snapshot`);
    seq = snap.seq;
    for (const [name, entries] of Object.entries(snap.maps)) {
      const m = new Map<string, Versioned>();
      for (const [k, [version, value]] of Object.entries(entries)) m.set(k, { version, value });
      maps.set(name, m);
    }
  }
  let skippedLines = 0;
  const logPath = join(dir, 'store.log');
  if (existsSync(logPath)) {
    for (const line of readFileSync(logPath, 'utf8').split('\n')) {
      if (line === '') continue;
      let r: JournalRecord;
      try {
        r = JSON.parse(line) as JournalRecord;
      } catch {
        skippedLines++;
        continue;
      }
      if (r.s <= seq) continue;
      seq = r.s;
      let m = maps.get(r.m);
      if (!m) maps.set(r.m, (m = new Map()));
      if ('x' in r) m.delete(r.k);
      else m.set(r.k, { version: r.v, value: r.d });
    }
  }
  return { seq, maps, skippedLines };
}

/** Replaces dir/name with `data` so that a crash leaves either the old or the new file, whole. */
export async function writeFileAtomic(dir: string, name: string, data: string): Promise<void> {
  const tmp = join(dir, `${name}.tmp`);
  const fh = await fsp.open(tmp, 'w');
  try {
    await fh.write(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, join(dir, name));
  const d = await fsp.open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Directories this process has open (the lock file alone cannot tell two opens in one process apart). */
const openHere = new Set<string>();

function lockDirectory(dir: string): void {
  const path = join(dir, 'lock');
  if (openHere.has(resolve(dir))) throw new Error(`data directory ${dir} is in use by this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      openHere.add(resolve(dir));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new Error(`data directory ${dir} is in use by process ${holder}`);
      }
      unlinkSync(path); // left behind by a process that died: take it over
    }
  }
  throw new Error(`could not lock data directory ${dir}`);
}

function unlockDirectory(dir: string): void {
  openHere.delete(resolve(dir));
  try {
    unlinkSync(join(dir, 'lock'));
  } catch {
    /* already gone */
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
