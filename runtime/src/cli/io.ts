// Where a command writes (and reads a secret from): real stdout/stderr/stdin in the binary, buffers in tests.
import { text } from 'node:stream/consumers';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** All of standard input, read once (for `--token-stdin`). */
  stdin(): Promise<string>;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  env: process.env,
  stdin: () => text(process.stdin),
};

/**
 * A reader that stops early (`dfvisor stats --watch --json | head -n 3`) closes the pipe: end quietly with
 * exit 0, as other Unix tools do, instead of crashing on EPIPE.
 */
export function endQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
}
