// CPU time and memory of a process from Linux /proc, for the load benchmark's per-process figures.
import { readFileSync } from 'node:fs';

/** utime + stime of a process (all its threads) in µs; clock ticks of 10 ms (USER_HZ 100). */
export function cpuUs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * 10_000;
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

/** CPU of named groups of processes between two points: cpuSnapshot() then cpuPerUnit(snapshot, units). */
export function cpuSnapshot(pids: Record<string, readonly number[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([k, ps]) => [k, sumCpu(ps)]));
}

export function cpuPerUnit(pids: Record<string, readonly number[]>, before: Record<string, number>, units: number): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([k, ps]) => [k, units > 0 ? +((sumCpu(ps) - before[k]!) / units).toFixed(1) : NaN]));
}

const sumCpu = (pids: readonly number[]): number => pids.reduce((a, p) => a + cpuUs(p), 0);
