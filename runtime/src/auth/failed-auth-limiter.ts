// Slows down token guessing: after `max` failed authentications from one address within
// `windowMs`, further requests from it are refused (429) until the window passes.
export class FailedAuthLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly max = 10, private readonly windowMs = 60_000, private readonly now: () => number = Date.now) {}

  private recent(addr: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(addr) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(addr);
    else this.failures.set(addr, list);
    return list;
  }

  blocked(addr: string): boolean {
    return this.recent(addr).length >= this.max;
  }

  /** Seconds until the address may try again. */
  retryAfter(addr: string): number {
    const list = this.recent(addr);
    return list.length === 0 ? 0 : Math.ceil((list[0] + this.windowMs - this.now()) / 1000);
  }

  fail(addr: string): void {
    const list = this.recent(addr);
    list.push(this.now());
    this.failures.set(addr, list);
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value as string);
  }
}
