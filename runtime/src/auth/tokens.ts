// API tokens: one admin token and tenant tokens bound to an owner. Only hashes are stored.
// A token reads `dfv_<id>_<secret>`; the id finds the record, the secret's hash is compared in
// constant time. The admin token (config file or DFVISOR_ADMIN_TOKEN) must be a long random
// secret: adminTokenWeakness refuses short or repetitive ones.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../deploy/types.js';

export interface TokenRecord {
  id: string;
  owner: string;
  /** sha256 of the whole token, hex. */
  hash: string;
  createdAt: string;
  revokedAt?: string;
}

/** Storage of token records (the store's `tokens` map). */
export interface TokenRepository {
  get(id: string): TokenRecord | undefined;
  list(): TokenRecord[];
  put(record: TokenRecord): Promise<void>;
}

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export class TokenService {
  /** `adminHash` is sha256(admin token) in hex: the admin token itself is never stored. */
  constructor(
    private readonly adminHash: string,
    private readonly repo: TokenRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Who presents this token, or undefined. Constant-time in the secret. */
  authenticate(token: string): Principal | undefined {
    const presented = sha256(token);
    if (equalHex(presented, this.adminHash)) return { kind: 'admin', owner: 'admin', tokenId: 'admin' };
    const m = /^dfv_([a-z0-9]{8,32})_[A-Za-z0-9_-]{16,}$/.exec(token);
    if (!m) return undefined;
    const rec = this.repo.get(m[1]);
    if (!rec || rec.revokedAt || !equalHex(presented, rec.hash)) return undefined;
    return { kind: 'tenant', owner: rec.owner, tokenId: rec.id };
  }

  /** Whether the principal's token is still valid (tenant tokens can be revoked). */
  stillValid(p: Principal): boolean {
    if (p.kind === 'admin') return true;
    const rec = this.repo.get(p.tokenId);
    return rec !== undefined && !rec.revokedAt;
  }

  async create(owner: string): Promise<{ token: string; record: TokenRecord }> {
    const id = randomBytes(6).toString('hex');
    const token = `dfv_${id}_${randomBytes(24).toString('base64url')}`;
    const record: TokenRecord = { id, owner, hash: sha256(token), createdAt: this.now().toISOString() };
    await this.repo.put(record);
    return { token, record };
  }

  list(): Array<Omit<TokenRecord, 'hash'>> {
    return this.repo
      .list()
      .map(({ hash: _h, ...r }) => r)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async revoke(id: string): Promise<boolean> {
    const rec = this.repo.get(id);
    if (!rec || rec.revokedAt) return false;
    await this.repo.put({ ...rec, revokedAt: this.now().toISOString() });
    return true;
  }
}

export function generateAdminToken(): string {
  return `dfv_admin_${randomBytes(24).toString('base64url')}`;
}

/** The id a presented token claims (`dfv_<id>_…`), for keying failed attempts; never the secret. */
export function presentedTokenId(token: string | undefined): string {
  if (token === undefined) return '-';
  return /^dfv_([a-z0-9]{8,32})_/.exec(token)?.[1] ?? 'other';
}

export const ADMIN_TOKEN_MIN_LENGTH = 24;

/** Why a configured admin token is not a long random secret, or undefined when it is one. */
export function adminTokenWeakness(token: string): string | undefined {
  if (token.length < ADMIN_TOKEN_MIN_LENGTH)
    return `the admin token has ${token.length} characters; it must be a random secret of at least ${ADMIN_TOKEN_MIN_LENGTH} (e.g. openssl rand -hex 24)`;
  if (new Set(token).size < 10) return 'the admin token repeats a few characters; it must be a random secret (e.g. openssl rand -hex 24)';
  if (/\s/.test(token)) return 'the admin token contains white space';
  return undefined;
}
