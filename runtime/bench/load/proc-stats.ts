// CPU time and memory of a process from Linux /proc, for the load benchmark's per-process figures.
import { readFileSync } from 'node:fs';

/** utime + stime (or `part` of it) of a process (all its threads) in µs; clock ticks of 10 ms (USER_HZ 100). */
export function cpuUs(pid: number, part: 'all' | 'sys' = 'all'): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((part === 'sys' ? 0 : Number(rest[11])) + Number(rest[12])) * 10_000;
  } catch {
    return NaN;
  }
}

/** Resident set size now and its high-water mark, in MB (/proc/<pid>/status VmRSS, VmHWM). */
export function rssMb(pid: number): { rss: number; peak: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(/\s(\d+) kB/.exec(s.slice(s.indexOf(k + ':')))?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/**
 * CPU of named groups of processes between two points: cpuSnapshot() then cpuPerUnit(snapshot, units).
 * Each group `k` also gets `k.sys`: the part of it spent in the kernel (system calls: socket reads and writes).
 */
export function cpuSnapshot(pids: Record<string, readonly number[]>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(pids).flatMap(([k, ps]) => [
      [k, sumCpu(ps, 'all')],
      [`${k}.sys`, sumCpu(ps, 'sys')],
    ]),
  );
}

export function cpuPerUnit(pids: Record<string, readonly number[]>, before: Record<string, number>, units: number): Record<string, number> {
  const per = (now: number, was: number): number => (units > 0 ? +((now - was) / units).toFixed(1) : NaN);
  return Object.fromEntries(
    Object.entries(pids).flatMap(([k, ps]) => [
      [k, per(sumCpu(ps, 'all'), before[k]!)],
      [`${k}.sys`, per(sumCpu(ps, 'sys'), before[`${k}.sys`]!)],
    ]),
  );
}

const sumCpu = (pids: readonly number[], part: 'all' | 'sys'): number => pids.reduce((a, p) => a + cpuUs(p, part), 0);
