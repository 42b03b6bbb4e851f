// A millisecond clock for expiries on the hot path (buffer ids, the tenant flow tables' timeouts):
// a number that a timer refreshes every `tickMs`, so a flow setup reads the time without calling
// into the system (three or four Date.now() per setup before). Accurate to one tick plus however
// long the event loop was busy, which is right for expiries counted in seconds. The timer starts
// on the first read and is unref'd (it keeps no process alive); `tickMs` 0: ticks only by `tick()`
// (tests drive such a clock by hand).

/** How often the process-wide clock reads the system time. */
export const COARSE_TICK_MS = 50;

export class CoarseClock {
  private ms = 0;
  private timer: NodeJS.Timeout | null = null;
  private started = false;

  constructor(
    private readonly source: () => number = Date.now,
    readonly tickMs = COARSE_TICK_MS,
  ) {}

  /** The time at the last tick (ms); the first read ticks and starts the timer. */
  readonly now = (): number => (this.started ? this.ms : this.start());

  /** Reads the source now (the timer does this every tickMs). */
  tick(): number {
    this.ms = this.source();
    return this.ms;
  }

  /** Stops the timer; the next read starts it again. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.started = false;
  }

  private start(): number {
    this.started = true;
    if (this.tickMs > 0) {
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref();
    }
    return this.tick();
  }
}

/** The process's coarse clock (Date.now, every COARSE_TICK_MS). */
export const coarseNow: () => number = new CoarseClock().now;
