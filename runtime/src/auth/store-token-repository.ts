// Token records in the store's `tokens` map (read from the local tier, written to the global tier).
import type { GlobalStore, Json, LocalTier } from '../store/index.js';
import type { TokenRecord, TokenRepository } from './tokens.js';

export class StoreTokenRepository implements TokenRepository {
  constructor(
    private readonly store: GlobalStore,
    private readonly tier: LocalTier,
  ) {}

  get(id: string): TokenRecord | undefined {
    return this.tier.get('tokens', id)?.value as unknown as TokenRecord | undefined;
  }

  list(): TokenRecord[] {
    return [...this.tier.entries('tokens').values()].map((v) => v.value as unknown as TokenRecord);
  }

  async put(record: TokenRecord): Promise<void> {
    const r = await this.store.put('tokens', record.id, record as unknown as Json);
    if (!r.ok) throw new Error(`cannot store token ${record.id}: ${r.error.message}`);
    await this.tier.waitFor(() => JSON.stringify(this.get(record.id)) === JSON.stringify(record), 10_000);
  }
}
