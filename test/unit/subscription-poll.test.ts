import { describe, expect, it } from 'vitest';
import { pollFeed } from '../../src/graphql/subscriptions.js';

describe('pollFeed', () => {
  it('hands out what each poll finds, in order, polling again only when it has run dry', async () => {
    const answers = [[1, 2], [], [3]];
    let polls = 0;
    const feed = pollFeed(async () => answers[polls++] ?? [], { intervalMs: 5 });
    expect([(await feed.next()).value, (await feed.next()).value, (await feed.next()).value]).toEqual([1, 2, 3]);
    expect(polls).toBe(3);
    await feed.return!();
    expect(await feed.next()).toEqual({ done: true, value: undefined });
  });

  it('stops at once when returned or aborted, even while waiting for the next poll', async () => {
    const ctrl = new AbortController();
    const feed = pollFeed(async () => [], { intervalMs: 60_000, signal: ctrl.signal });
    const pending = feed.next();
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    ctrl.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(Date.now() - started).toBeLessThan(1000);

    const other = pollFeed(async () => [], { intervalMs: 60_000 });
    const waiting = other.next();
    await new Promise((r) => setTimeout(r, 20));
    await other.return!();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  it('skips a poll that lost the database connection, and fails on anything else', async () => {
    let polls = 0;
    const lost = Object.assign(new Error('gone'), { code: 'ECONNRESET' });
    const feed = pollFeed(
      async () => {
        polls++;
        if (polls === 1) throw lost;
        if (polls === 2) return ['after'];
        throw new Error('bug');
      },
      { intervalMs: 5, skipIf: (err) => err === lost },
    );
    expect((await feed.next()).value).toBe('after');
    await expect(feed.next()).rejects.toThrow('bug');
  });
});
