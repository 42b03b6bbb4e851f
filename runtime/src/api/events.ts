// In-process fan-out of runtime events to SSE subscribers.
export interface RuntimeEvent {
  type: string;
  [k: string]: unknown;
}

export class EventHub {
  private readonly subscribers = new Set<(e: RuntimeEvent) => void>();

  publish(e: RuntimeEvent): void {
    for (const s of this.subscribers) {
      try {
        s(e);
      } catch {
        // A broken subscriber never affects the others.
      }
    }
  }

  subscribe(fn: (e: RuntimeEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  get size(): number {
    return this.subscribers.size;
  }
}
