// Where a command writes (and reads a secret from): real stdout/stderr/stdin in the binary, buffers in tests.
import { createInterface } from 'node:readline';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** The first line of standard input ('' when it is empty), for `--token-stdin`; a typed line needs no Ctrl-D. */
  stdinLine(): Promise<string>;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  env: process.env,
  stdinLine: () =>
    new Promise((resolve, reject) => {
      const lines = createInterface({ input: process.stdin, terminal: false });
      let first: string | undefined;
      lines.once('line', (l) => {
        first = l;
        lines.close();
      });
      lines.once('close', () => {
        process.stdin.destroy();
        resolve(first ?? '');
      });
      process.stdin.once('error', reject);
    }),
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
