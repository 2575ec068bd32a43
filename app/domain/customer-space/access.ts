/**
 * The customer space (issue 14, docs/decisions/0015): a customer's own login at one merchant. An access
 * belongs to one customer of one organisation; its sessions and reset tokens are apart from the
 * merchants' (`User`, `Session`), so neither kind of session ever opens the other's pages. The same
 * address at two merchants is two accesses, each with its own password, each found only through its
 * own organisation.
 */
import { randomInt } from "node:crypto";
import { verify } from "@node-rs/argon2";
import type { Db } from "~/lib/db.server";
import { hashToken, randomToken } from "~/lib/tokens.server";
import { hashPassword } from "../auth";
import { RULES, type Throttles, firstRefusal } from "../throttling";

export const CUSTOMER_SESSION_DAYS = 30;
/** A letter takes days to arrive: the code lasts a month, unless replaced by a new invitation before. */
export const ACCESS_CODE_DAYS = 30;
const RESET_TOKEN_MS = 60 * 60 * 1000;

/** No 0/O, 1/I/L: read from a letter and typed by hand. 31^10 ≈ 8·10^14 codes. */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const ACCESS_CODE_LENGTH = 10;

export function newAccessCode(): string {
  return Array.from({ length: ACCESS_CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
}

/** "ABCDE-FGHJK", as printed and emailed. */
export const displayCode = (code: string) => `${code.slice(0, 5)}-${code.slice(5)}`;

/** What the customer typed, as stored: capitals, no spaces or dashes; read 0 as O and 1 as I would be guesses, so they stay (and fail). */
export const normaliseCode = (typed: string) => typed.toUpperCase().replace(/[\s-]/g, "");

// Verified against when nothing matches, so a wrong address takes as long as a wrong code or password.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(randomToken()));

export function accessOf(db: Db, organisationId: string, customerId: string) {
  return db.customerAccess.findFirst({ where: { organisationId, customerId } });
}

export type InviteResult = { ok: true; code: string; access: { id: string; email: string } } | { ok: false; reason: "noEmail" | "emailTaken" | "archived" };

/**
 * A new access code for the customer (an invitation, by email or by letter): it replaces any code sent
 * before. The login is the customer's current email; another customer of the same merchant already
 * using it as a login is refused (a login must name one account).
 */
export async function issueAccessCode(db: Db, organisationId: string, customerId: string, now: Date): Promise<InviteResult | null> {
  const customer = await db.customer.findFirst({ where: { id: customerId, organisationId } });
  if (!customer) return null;
  if (customer.archivedAt) return { ok: false, reason: "archived" };
  const email = customer.email.trim().toLowerCase();
  if (!email) return { ok: false, reason: "noEmail" };
  const other = await db.customerAccess.findFirst({ where: { organisationId, email, customerId: { not: customerId } }, select: { id: true } });
  if (other) return { ok: false, reason: "emailTaken" };
  const code = newAccessCode();
  const codeHash = await hashPassword(code);
  const codeExpiresAt = new Date(now.getTime() + ACCESS_CODE_DAYS * 86400_000);
  const access = await db.customerAccess.upsert({
    where: { customerId },
    create: { organisationId, customerId, email, codeHash, codeExpiresAt, invitedAt: now },
    update: { email, codeHash, codeExpiresAt, invitedAt: now },
    select: { id: true, email: true },
  });
  return { ok: true, code, access };
}

/**
 * The merchant hands over a password: the customer logs in with it and must choose their own before
 * anything else. Any pending code stops working, and open sessions end.
 */
export async function setTemporaryPassword(db: Db, organisationId: string, customerId: string, password: string, now: Date) {
  const customer = await db.customer.findFirst({ where: { id: customerId, organisationId } });
  if (!customer) return null;
  if (customer.archivedAt) return { ok: false as const, reason: "archived" as const };
  const email = customer.email.trim().toLowerCase();
  if (!email) return { ok: false as const, reason: "noEmail" as const };
  const other = await db.customerAccess.findFirst({ where: { organisationId, email, customerId: { not: customerId } }, select: { id: true } });
  if (other) return { ok: false as const, reason: "emailTaken" as const };
  const passwordHash = await hashPassword(password);
  const data = { email, passwordHash, mustChangePassword: true, codeHash: null, codeExpiresAt: null };
  const access = await db.customerAccess.upsert({
    where: { customerId },
    create: { organisationId, customerId, ...data, activatedAt: now },
    update: { ...data, activatedAt: now },
  });
  await db.customerSession.deleteMany({ where: { accessId: access.id } });
  return { ok: true as const };
}

/** The merchant closes the space: no login, no code, no session; the account itself is untouched. */
export async function revokeAccess(db: Db, organisationId: string, customerId: string) {
  await db.customerAccess.deleteMany({ where: { organisationId, customerId } });
}

type Gate = { ok: true } | { ok: false; retryAfterMs: number };
export type ActivateResult = { ok: true; accessId: string } | { ok: false; reason: "invalid" } | { ok: false; reason: "throttled"; retryAfterMs: number };

/**
 * Activation with the emailed or printed code: the right address, the right code, not expired. Counted
 * before anything is checked (per client, and per client and address), so parallel guesses all count.
 * Single use: the code is cleared in the statement that sets the password, which matches on its hash.
 */
export async function activateAccess(
  deps: { db: Db; throttles: Throttles },
  input: { organisationId: string; email: string; code: string; password: string; client: string },
  now: Date,
): Promise<ActivateResult> {
  const { db, throttles } = deps;
  const gate: Gate = await firstRefusal(
    () => throttles.consume("accessCodeClient", input.client),
    () => throttles.consume("accessCodeAccount", `${input.organisationId}|${input.email}`),
  );
  if (!gate.ok) return { ok: false, reason: "throttled", retryAfterMs: gate.retryAfterMs };
  const access = await db.customerAccess.findUnique({ where: { organisationId_email: { organisationId: input.organisationId, email: input.email } } });
  const code = normaliseCode(input.code);
  const usable = access?.codeHash && access.codeExpiresAt && access.codeExpiresAt > now;
  let valid = false;
  if (usable) valid = await verify(access.codeHash!, code);
  else await verify(await dummy(), code);
  if (!valid || !access) return { ok: false, reason: "invalid" };
  const passwordHash = await hashPassword(input.password);
  const claimed = await db.customerAccess.updateMany({
    where: { id: access.id, codeHash: access.codeHash },
    data: { codeHash: null, codeExpiresAt: null, passwordHash, mustChangePassword: false, activatedAt: now },
  });
  if (claimed.count !== 1) return { ok: false, reason: "invalid" };
  await Promise.all([
    db.customerSession.deleteMany({ where: { accessId: access.id } }),
    throttles.forget("accessCodeAccount", `${input.organisationId}|${input.email}`),
  ]);
  return { ok: true, accessId: access.id };
}

export type CustomerLoginResult =
  | { ok: true; access: { id: string; mustChangePassword: boolean } }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterMs: number };

/** The key of an address at one merchant in the login limits: the same address at another merchant is another account. */
export const loginKey = (organisationId: string, email: string) => `space|${organisationId}|${email}`;

/** The merchants' login limits (./throttling.ts) on the customer's account at this merchant; see `login` in ../auth.ts. */
export async function customerLogin(
  deps: { db: Db; throttles: Throttles },
  input: { organisationId: string; email: string; password: string; client: string; knownBrowser: boolean },
): Promise<CustomerLoginResult> {
  const { db, throttles } = deps;
  const account = loginKey(input.organisationId, input.email);
  const clientAccount = `${input.client}|${account}`;
  const gate = await firstRefusal(
    () => throttles.consume("loginClient", input.client),
    () => throttles.consume("loginClientAccount", clientAccount),
  );
  if (!gate.ok) return { ok: false, reason: "throttled", retryAfterMs: gate.retryAfterMs };
  const failures = await throttles.count("loginAccount", account);
  if (failures > RULES.loginAccount.points && !input.knownBrowser) {
    const paced = await throttles.consume("loginAccountPace", account);
    if (!paced.ok) return { ok: false, reason: "throttled", retryAfterMs: paced.retryAfterMs };
  }
  const access = await db.customerAccess.findUnique({
    where: { organisationId_email: { organisationId: input.organisationId, email: input.email } },
    include: { customer: { select: { archivedAt: true } } },
  });
  let valid = false;
  if (access?.passwordHash && !access.customer.archivedAt) valid = await verify(access.passwordHash, input.password);
  else await verify(await dummy(), input.password);
  if (!valid || !access) return { ok: false, reason: "invalid" };
  await Promise.all([
    throttles.forget("loginClientAccount", clientAccount),
    throttles.refund("loginClient", input.client),
    throttles.refund("loginAccount", account),
  ]);
  return { ok: true, access };
}

export async function createCustomerSession(db: Db, access: { id: string; organisationId: string }, now: Date) {
  const token = randomToken();
  await db.customerSession.create({
    data: {
      tokenHash: hashToken(token),
      accessId: access.id,
      organisationId: access.organisationId,
      expiresAt: new Date(now.getTime() + CUSTOMER_SESSION_DAYS * 86400_000),
    },
  });
  return token;
}

/**
 * The session behind a cookie, only for this organisation's space: a session opened at another
 * merchant (the same person, another account) is no session here.
 */
export async function findCustomerSession(db: Db, token: string, organisationId: string, now: Date) {
  const session = await db.customerSession.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { access: { include: { customer: true, organisation: true } } },
  });
  if (!session || session.expiresAt <= now || session.organisationId !== organisationId || session.access.organisationId !== organisationId) return null;
  // A customer the merchant archived no longer has a space.
  return session.access.customer.archivedAt ? null : session;
}

export async function destroyCustomerSession(db: Db, token: string) {
  await db.customerSession.deleteMany({ where: { tokenHash: hashToken(token) } });
}

/** A new password chosen in the space: the other sessions end, earlier reset links stop working. */
export async function changeCustomerPassword(db: Db, accessId: string, keepSessionId: string | null, password: string, now: Date) {
  const passwordHash = await hashPassword(password);
  await db.$transaction([
    db.customerAccess.update({ where: { id: accessId }, data: { passwordHash, mustChangePassword: false } }),
    db.customerSession.deleteMany({ where: { accessId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } }),
    db.customerPasswordReset.updateMany({ where: { accessId, usedAt: null }, data: { usedAt: now } }),
  ]);
}

export async function verifyCustomerPassword(db: Db, accessId: string, password: string) {
  const access = await db.customerAccess.findUnique({ where: { id: accessId } });
  return Boolean(access?.passwordHash && (await verify(access.passwordHash, password)));
}

/**
 * A reset asked for an address at this merchant: a token and its email (through `queue`) only for an
 * access that was activated; nothing otherwise. The caller answers the same either way (see `atLeast`).
 */
export async function requestCustomerReset(
  db: Db,
  organisationId: string,
  email: string,
  now: Date,
  queue: (tx: Db, reset: { access: { email: string; customer: { name: string; locale: string } }; token: string; resetId: string }) => Promise<unknown>,
) {
  const token = randomToken();
  await db.$transaction(async (tx) => {
    const access = await tx.customerAccess.findUnique({
      where: { organisationId_email: { organisationId, email } },
      include: { customer: { select: { name: true, locale: true, archivedAt: true } } },
    });
    if (!access?.passwordHash || access.customer.archivedAt) return;
    const reset = await tx.customerPasswordReset.create({
      data: { accessId: access.id, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + RESET_TOKEN_MS) },
    });
    await queue(tx as Db, { access, token, resetId: reset.id });
  });
}

/** A reset link of this organisation's space that can still be used. */
export async function findUsableCustomerReset(db: Db, organisationId: string, token: string, now: Date) {
  const reset = await db.customerPasswordReset.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { access: { select: { organisationId: true } } },
  });
  return reset && !reset.usedAt && reset.expiresAt > now && reset.access.organisationId === organisationId ? reset : null;
}

/** Single use, consumed in the statement that checks it; every other link of the access is spent too, and sessions end. */
export async function resetCustomerPassword(db: Db, organisationId: string, token: string, password: string, now: Date) {
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    const claimed = await tx.customerPasswordReset.updateMany({
      where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: now }, access: { organisationId } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) return null;
    const reset = await tx.customerPasswordReset.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    await tx.customerPasswordReset.updateMany({ where: { accessId: reset.accessId, usedAt: null }, data: { usedAt: now } });
    await tx.customerSession.deleteMany({ where: { accessId: reset.accessId } });
    return tx.customerAccess.update({ where: { id: reset.accessId }, data: { passwordHash, mustChangePassword: false } });
  });
}

export const ACCESS_STATES = ["none", "invited", "expired", "temporary", "active"] as const;

/** What the merchant sees of a customer's access (never a hash). */
export function accessState(
  access: { passwordHash: string | null; mustChangePassword: boolean; codeHash: string | null; codeExpiresAt: Date | null } | null,
  now: Date,
) {
  if (!access) return "none" as const;
  if (access.passwordHash) return access.mustChangePassword ? ("temporary" as const) : ("active" as const);
  if (access.codeHash && access.codeExpiresAt && access.codeExpiresAt > now) return "invited" as const;
  return "expired" as const;
}
