import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "~/lib/db.server";

/**
 * Limits on what an attacker can try: passwords, sign-ups, reset emails, the public pay form, and
 * guessed secret links. Counts live in the database (the RateLimit table, through rate-limiter-flexible's
 * Prisma store), so every web process sees the same counts (docs/decisions/0009).
 *
 * Keys are a client (its address: see `clientKey`), an account (a normalised email), or both. Nothing
 * here lets a stranger lock an owner out: the rule that refuses outright is per client (and per client
 * and account); the per-account rule only slows attempts down, and never for a browser that has already
 * logged in to that account.
 */

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/** Points per window (seconds) for each rule; a rule with `block` refuses the key that long once it is over. */
export const RULES = {
  /** Consecutive failed logins of one client on one account (forgotten once it logs in). */
  loginClientAccount: { points: 5, duration: 15 * MINUTE, block: 15 * MINUTE },
  /** Failed logins of one client, whatever the account (password spraying). */
  loginClient: { points: 15, duration: 15 * MINUTE, block: 15 * MINUTE },
  /** Failed logins on one account from anywhere: past this, attempts are paced (below), never refused outright. */
  loginAccount: { points: 10, duration: HOUR },
  /** While an account is under attack: one attempt per 30 s, except from a browser that logged in to it before. */
  loginAccountPace: { points: 1, duration: 30 },
  signupClient: { points: 10, duration: HOUR },
  resetClient: { points: 10, duration: HOUR },
  /** Reset emails to one address (mail-bombing), the same whether or not it has an account. */
  resetAccount: { points: 3, duration: HOUR },
  payClient: { points: 20, duration: 10 * MINUTE },
  payLink: { points: 30, duration: HOUR },
  /** Customer-space access codes tried by one client, whatever the address (issue 14). */
  accessCodeClient: { points: 10, duration: HOUR, block: HOUR },
  /**
   * Codes tried on one address at one merchant, from anywhere. A code has about 50 bits: ten tries an hour
   * are no way in; a stranger can at worst delay an activation by an hour (the merchant can re-invite or
   * hand over a temporary password).
   */
  accessCodeAccount: { points: 10, duration: HOUR },
  /** Mandates started (form posted) by one client, and on one consultation link. */
  mandateClient: { points: 10, duration: HOUR },
  mandateLink: { points: 20, duration: HOUR },
  /** Mandate verification codes asked for and typed by one client (each code also allows only 5 tries). */
  mandateCodeClient: { points: 30, duration: HOUR },
  /** Unknown reset, sign-up, invitation and consultation links asked for by one client. */
  linkGuesses: { points: 20, duration: HOUR },
} as const satisfies Record<string, { points: number; duration: number; block?: number }>;

export type Rule = keyof typeof RULES;

/** Refused: try again in `retryAfterMs`. */
export interface Throttled {
  ok: false;
  retryAfterMs: number;
}
export type Gate = { ok: true } | Throttled;

const ALLOWED: Gate = { ok: true };
/** Refused for what is left of the window (the limiter's `msBeforeNext`: -1 for a window without end). */
const throttled = (msBeforeNext: number): Throttled => ({ ok: false, retryAfterMs: Math.max(msBeforeNext, 1000) });

export interface Throttles {
  /** Counts one attempt; refused when the rule's points are used up (or its key is blocked). */
  consume(rule: Rule, key: string): Promise<Gate>;
  /** Counts one attempt and answers how many the window holds now, never refusing. */
  count(rule: Rule, key: string): Promise<number>;
  /** Refused while the rule's points are used up, without counting anything. */
  check(rule: Rule, key: string): Promise<Gate>;
  /** Gives one point back (an attempt that turned out to be the owner's). */
  refund(rule: Rule, key: string): Promise<void>;
  forget(rule: Rule, key: string): Promise<void>;
  /** This process already knows the key is refused (no database query): for pages served from memory. */
  refusedHere(rule: Rule, key: string): boolean;
}

/** The limiters of one process, on the shared database. */
export function createThrottles(db: Db): Throttles {
  const limiters = Object.fromEntries(
    Object.entries(RULES).map(([name, rule], i) => [
      name,
      new RateLimiterPrisma({
        storeClient: db,
        tableName: "rateLimit",
        keyPrefix: name,
        points: rule.points,
        duration: rule.duration,
        blockDuration: "block" in rule ? rule.block : 0,
        // A key over its points is also refused in this process's memory until its window ends, with no query.
        inMemoryBlockOnConsumed: "block" in rule ? 0 : rule.points + 1,
        // One limiter is enough to sweep the shared table of expired rows.
        clearExpiredByTimeout: i === 0,
      }),
    ]),
  ) as Record<Rule, RateLimiterPrisma>;
  const refusal = (error: unknown) => {
    if (error instanceof RateLimiterRes) return throttled(error.msBeforeNext);
    throw error;
  };
  return {
    consume: (rule, key) => limiters[rule].consume(key).then(() => ALLOWED, refusal),
    async count(rule, key) {
      return (await limiters[rule].penalty(key)).consumedPoints;
    },
    async check(rule, key) {
      const limiter = limiters[rule];
      const inMemory = (limiter as unknown as { getInMemoryBlockMsBeforeExpire(k: string): number }).getInMemoryBlockMsBeforeExpire(limiter.getKey(key));
      if (inMemory > 0) return { ok: false, retryAfterMs: inMemory };
      // What the limiter's own `get` reads (its row while the window lasts), through the query builder: asked
      // on every consultation page, at a fraction of the query API's cost (docs/decisions/0023).
      const row = await db.$qb.selectFrom("RateLimit").select(["points", "expire"]).where("key", "=", limiter.getKey(key)).executeTakeFirst();
      const msLeft = row?.expire ? new Date(row.expire).getTime() - Date.now() : -1;
      if (!row || (row.expire && msLeft <= 0) || row.points <= RULES[rule].points) return ALLOWED;
      return throttled(msLeft);
    },
    async refund(rule, key) {
      await limiters[rule].reward(key);
    },
    async forget(rule, key) {
      await limiters[rule].delete(key);
    },
    refusedHere(rule, key) {
      const limiter = limiters[rule];
      return (limiter as unknown as { getInMemoryBlockMsBeforeExpire(k: string): number }).getInMemoryBlockMsBeforeExpire(limiter.getKey(key)) > 0;
    },
  };
}

/** The first of several gates that refuses, after asking them in order (each counts its attempt). */
export async function firstRefusal(...gates: (() => Promise<Gate>)[]): Promise<Gate> {
  for (const gate of gates) {
    const result = await gate();
    if (!result.ok) return result;
  }
  return ALLOWED;
}

export const minutesOf = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));
