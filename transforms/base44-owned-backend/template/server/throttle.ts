// Counting attempts per key in a sliding window (wrong passwords per account and per address,
// reset mails, SendEmail and InvokeLLM calls per user), so brute force, mail bombing and a
// runaway bill stop at a limit the owner sets. Counts live in this process: one server, or
// each replica counts on its own (the limit then multiplies by the replicas).

export interface Limit {
  /** At most this many events… */
  max: number;
  /** …in this many milliseconds. */
  windowMs: number;
}

export class Throttle {
  private readonly events = new Map<string, number[]>();

  constructor(private readonly limit: Limit) {}

  private recent(key: string, now: number): number[] {
    const kept = (this.events.get(key) ?? []).filter((t) => t > now - this.limit.windowMs);
    if (kept.length) this.events.set(key, kept);
    else this.events.delete(key);
    return kept;
  }

  /** Whether the key is at its limit (nothing is counted). */
  blocked(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length >= this.limit.max;
  }

  /** Counts one event. */
  hit(key: string, now = Date.now()): void {
    const kept = this.recent(key, now);
    kept.push(now);
    this.events.set(key, kept);
    // Bounded memory: an attacker spraying keys cannot grow the map without end.
    if (this.events.size > 100_000) this.events.delete(this.events.keys().next().value!);
  }

  /** Counts one event unless the key is at its limit; false when it is. */
  take(key: string, now = Date.now()): boolean {
    if (this.blocked(key, now)) return false;
    this.hit(key, now);
    return true;
  }

  /** Forgets a key (a right password clears the wrong ones). */
  clear(key: string): void {
    this.events.delete(key);
  }

  /** Seconds until the oldest counted event leaves the window. */
  retryAfter(key: string, now = Date.now()): number {
    const first = this.recent(key, now)[0];
    return first === undefined ? 0 : Math.ceil((first + this.limit.windowMs - now) / 1000);
  }
}
