import type { Actor } from './auth/actor.js';
import type { Context } from './context.js';
import type { Tx } from './db/client.js';
import { isConnectionError, notFound, PgCode, pgErrorCode, unavailable } from './errors.js';
import { checkIdempotencyKey, claimKey, keyScope, requestHash, saveResponse, type KeyClaim } from './idempotency.js';
import { appendAudit } from './modules/audit/store.js';
import { appendEvents, type DomainChange } from './modules/events/store.js';

/** What a command's body is handed: the open transaction, the gated actor, and a place to record changes. */
export interface CommandScope<A extends Actor> {
  readonly ctx: Context;
  readonly tx: Tx;
  readonly actor: A;
  readonly now: Date;
  /** A state change: appended to the audit trail and as a domain event when the body succeeds. */
  record(change: DomainChange | DomainChange[]): void;
}

export interface CommandSpec<Args, In, Out, A extends Actor> {
  /** The operation's name: the idempotency scope and the log's label. */
  name: string;
  /** Role-level gate from the module's policy (FORBIDDEN before any input is read). */
  gate: (ctx: Context) => A;
  /** Parse and validate the arguments (zod), failing with BAD_USER_INPUT naming the field. */
  parse: (args: Args, scope: { actor: A; now: Date }) => In;
  /** Whether a replay with the same `idempotencyKey` returns the first result (the SDL then requires a key). */
  idempotent: boolean;
  /** Load and lock, check the policy on the resource, act. Runs inside the transaction. */
  run: (s: CommandScope<A>, input: In) => Promise<Out>;
  /** Map a database error to a typed one (e.g. a unique violation to CONFLICT); return undefined to keep it. */
  mapError?: (err: unknown) => Error | undefined;
}

export type Command<Args, Out> = (ctx: Context, args: Args & { idempotencyKey?: string | null }) => Promise<Out>;

const MAX_ATTEMPTS = 3;

/**
 * Every state change runs the same sequence: authenticate and gate → parse → claim the
 * idempotency key → transaction → (load, lock, policy, act: the body) → audit + domain events
 * → commit. A transaction the database picked as a deadlock victim left nothing behind and
 * is run again.
 */
export function defineCommand<Args, In, Out, A extends Actor>(spec: CommandSpec<Args, In, Out, A>): Command<Args, Out> {
  return async (ctx, args) => {
    const actor = spec.gate(ctx);
    const { idempotencyKey, ...rest } = args;
    const input = spec.parse(rest as Args, { actor, now: ctx.now });
    const claim: KeyClaim | null = spec.idempotent
      ? { scope: keyScope(ctx), key: checkIdempotencyKey(idempotencyKey), operation: spec.name, hash: requestHash(spec.name, rest) }
      : null;
    let reconnected = false;
    for (let attempt = 1; ; attempt++) {
      // whether the body finished: a connection lost after it may have lost the COMMIT's answer, not the COMMIT
      let bodyDone = false;
      try {
        return await ctx.db.transaction(async (tx) => {
          const result = await once(spec, ctx, tx, actor, input, claim);
          bodyDone = true;
          return result;
        });
      } catch (err) {
        const code = pgErrorCode(err);
        if (attempt < MAX_ATTEMPTS && (code === PgCode.deadlockDetected || code === PgCode.serializationFailure)) {
          ctx.log.warn({ operation: spec.name, attempt, code }, 'transaction retried');
          continue;
        }
        if (isConnectionError(err)) {
          // Once, where it is safe: nothing committed, or the key turns a repeat into a replay.
          if (!reconnected && (!bodyDone || claim)) {
            reconnected = true;
            ctx.log.warn({ operation: spec.name, attempt, code }, 'database connection lost; transaction retried');
            continue;
          }
          throw unavailable();
        }
        const mapped = spec.mapError?.(err);
        if (mapped) throw mapped;
        // a reference to a row that does not exist (or no longer does): the caller named something unknown
        if (code === PgCode.foreignKeyViolation) throw notFound('A referenced record');
        throw err;
      }
    }
  };
}

async function once<Args, In, Out, A extends Actor>(
  spec: CommandSpec<Args, In, Out, A>,
  ctx: Context,
  tx: Tx,
  actor: A,
  input: In,
  claim: KeyClaim | null,
): Promise<Out> {
  if (claim) {
    const prior = await claimKey(tx, ctx.now, claim);
    if (prior) return prior.replay as Out;
  }
  const changes: DomainChange[] = [];
  const scope: CommandScope<A> = {
    ctx,
    tx,
    actor,
    now: ctx.now,
    record: (c) => void changes.push(...(Array.isArray(c) ? c : [c])),
  };
  let result: Out = await spec.run(scope, input);
  await appendAudit(tx, ctx, changes);
  await appendEvents(tx, ctx, changes);
  if (claim) {
    // The first result is returned in its stored (JSON) form, so a replay is indistinguishable from it.
    result = JSON.parse(JSON.stringify(result)) as Out;
    await saveResponse(tx, claim, result);
  }
  return result;
}
