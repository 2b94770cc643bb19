/**
 * Steps for story files: tests that follow one thing through its life (a loan from premium to
 * recovery, a dispute from filing to resolution) share the state earlier tests created. To keep
 * every test runnable alone (`vitest run <file> -t "<name>"`), each state-changing action of the
 * story is a step that runs at most once per file, after the step before it:
 *
 *   const story = steps();
 *   const filed = story(async () => fileTheClaim());      // first step
 *   const paid = story(async () => pay(await filed()));   // runs `filed` first, if it has not run
 *
 * In file order each step runs exactly once, inside the test that used to perform it, so every
 * amount and balance is the same as before; a test run alone replays exactly the steps before
 * the one it awaits. A step returns what later tests (and its own test's assertions) need.
 * A step that fails stays failed: every test depending on it fails with the same error.
 */

/** `fn` run at most once; every call returns the same promise. */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

/**
 * A chain of steps: each step defined with the returned function first awaits the step defined
 * before it, then runs once. Define the steps in the order the tests perform them.
 */
export function steps() {
  let last: () => Promise<unknown> = async () => undefined;
  return function step<T>(fn: () => Promise<T>): () => Promise<T> {
    const before = last;
    const s = once(async () => {
      await before();
      return fn();
    });
    last = s;
    return s;
  };
}
