// Runs the real `dfvisor` binary (runtime/bin/dfvisor.js) as a child process.
import { spawn } from 'node:child_process';
import { dfvisorBin, repoRoot } from './paths.js';

export { dfvisorBin, repoRoot };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function dfvisor(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [dfvisorBin, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * Runs the binary until `enough(stdout)` holds (for commands that run until stopped, like `stats --watch`),
 * then stops it with SIGTERM. `whileRunning` sees the live process id (e.g. to read /proc/<pid>/cmdline).
 */
export function dfvisorUntil(
  args: string[],
  enough: (stdout: string) => boolean,
  opts: { env?: NodeJS.ProcessEnv; input?: string; whileRunning?: (pid: number) => void } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [dfvisorBin, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stopped || !enough(stdout)) return;
      stopped = true;
      opts.whileRunning?.(child.pid!);
      child.kill('SIGTERM');
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
