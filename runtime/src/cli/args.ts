// Thin wrapper over node:util parseArgs that turns its exceptions into UsageErrors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommandArgs(argv: string[], options: Options, allowPositionals = true): Parsed {
  try {
    const r = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

/** The options before `--` (after it, everything is a positional). */
function optionsPart(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return end < 0 ? argv : argv.slice(0, end);
}

/** True when `name` (e.g. `--version`) is given as an option, not after `--`. */
export function hasOption(argv: string[], ...names: string[]): boolean {
  return optionsPart(argv).some((a) => names.includes(a));
}

/** Replaces the option `name` (before `--`) with `replacement`, e.g. `--json` → `--format json`. */
export function replaceOption(argv: string[], name: string, replacement: string[]): string[] {
  const i = optionsPart(argv).indexOf(name);
  return i < 0 ? argv : [...argv.slice(0, i), ...replacement, ...argv.slice(i + 1)];
}
