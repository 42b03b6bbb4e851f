// The audit log: every change and every refused attempt (who, what, revision), as JSON lines in
// <dataDir>/audit.log and a ring buffer for GET /v1/audit. Entries are bounded: each text field is
// cut at FIELD_MAX characters, so no request can make an entry large.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEntry } from '../deploy/service.js';
import type { AuditLog } from './server.js';

export const FIELD_MAX = 512;

const cut = (s: string) => (s.length > FIELD_MAX ? `${s.slice(0, FIELD_MAX - 20)}... (${s.length} chars)` : s);

export function boundedEntry(e: AuditEntry): AuditEntry {
  return {
    ...e,
    who: cut(e.who),
    action: cut(e.action),
    target: cut(e.target),
    ...(e.detail !== undefined ? { detail: cut(e.detail) } : {}),
  };
}

export class FileAuditLog implements AuditLog {
  private readonly ring: AuditEntry[] = [];
  private readonly path: string | undefined;

  constructor(
    dataDir: string | undefined,
    private readonly capacity = 10_000,
    private readonly onError: (e: Error) => void = () => undefined,
  ) {
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      this.path = join(dataDir, 'audit.log');
    }
  }

  record(entry: AuditEntry): void {
    const e = boundedEntry(entry);
    this.ring.push(e);
    if (this.ring.length > this.capacity) this.ring.shift();
    if (!this.path) return;
    try {
      appendFileSync(this.path, JSON.stringify(e) + '\n');
    } catch (err) {
      this.onError(err as Error);
    }
  }

  recent(limit: number): AuditEntry[] {
    return this.ring.slice(-limit);
  }
}
