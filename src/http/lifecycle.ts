import type { Server } from 'node:http';

/**
 * The server's life: serving, then draining after SIGTERM. While draining, the listener is
 * closed, requests already running finish, and new requests on kept-alive connections are
 * answered 503 with Retry-After (a load balancer retries them on another replica).
 */
export class Lifecycle {
  #draining = false;
  #inFlight = 0;
  #idle: (() => void)[] = [];
  #onDrain = new Set<() => void>();

  get draining() {
    return this.#draining;
  }
  get inFlight() {
    return this.#inFlight;
  }

  /**
   * Call `cb` when draining starts (an open event stream ends itself so the drain need not wait it
   * out). Returns the unsubscribe.
   */
  onDrain(cb: () => void): () => void {
    this.#onDrain.add(cb);
    return () => void this.#onDrain.delete(cb);
  }

  /** Count a request from its start to the moment its response is finished or abandoned. */
  track(res: { once(event: 'close', cb: () => void): unknown }) {
    this.#inFlight++;
    res.once('close', () => {
      if (--this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    });
  }

  /** Stop accepting, let in-flight requests finish (up to `graceMs`), then cut what is left. Resolves with what was cut. */
  async drain(server: Server, graceMs: number): Promise<{ finished: boolean; cut: number }> {
    this.#draining = true;
    for (const cb of [...this.#onDrain]) cb();
    server.close();
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.#inFlight === 0 ? Promise.resolve(true) : new Promise<boolean>((r) => this.#idle.push(() => r(true))),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs))),
    ]);
    clearTimeout(timer);
    const cut = this.#inFlight;
    server.closeAllConnections();
    return { finished, cut };
  }
}
