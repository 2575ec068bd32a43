import { hash, verify } from "@node-rs/argon2";
import type { Db } from "~/lib/db.server";
import { hashToken, randomToken } from "~/lib/tokens.server";
import { findMembership } from "./organisations";
import type { Role } from "./permissions";

export const SESSION_DAYS = 30;
export const MAX_FAILED_LOGINS = 5;
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
const RESET_TOKEN_MS = 60 * 60 * 1000;
const SIGNUP_MS = 24 * 60 * 60 * 1000;
const INVITATION_MS = 7 * 24 * 60 * 60 * 1000;

export function hashPassword(password: string): Promise<string> {
  return hash(password); // argon2id with the library's recommended parameters
}

// Verified against when the email is unknown, so a failed login takes as long either way.
let dummyHash: Promise<string> | undefined;

export type SignUpInput = { name: string; email: string; password: string; organisationName: string; locale: "fr" | "en" };
/** What a sign-up leads to: a link to confirm a new account, or a word to the owner of the existing one. */
export type SignUpOutcome = { kind: "confirm"; token: string } | { kind: "existing"; user: { name: string; email: string; locale: string } };

/**
 * A sign-up creates nothing yet. A new address gets a pending request and, through `queue`, an email with
 * the link that creates the account; an address that already has an account gets an email to its owner
 * instead. Either way the password is hashed and one transaction queues one email, so neither the answer
 * nor its time tells whether the address has an account.
 */
export async function requestSignUp(db: Db, input: SignUpInput, now: Date, queue: (tx: Db, outcome: SignUpOutcome) => Promise<unknown>) {
  const passwordHash = await hashPassword(input.password);
  const token = randomToken();
  await db.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: input.email }, select: { name: true, email: true, locale: true } });
    if (existing) return queue(tx as Db, { kind: "existing", user: existing });
    const { password: _, ...rest } = input;
    await tx.signupRequest.create({ data: { ...rest, passwordHash, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + SIGNUP_MS) } });
    await queue(tx as Db, { kind: "confirm", token });
  });
}

/** A sign-up link that can still be followed; null when unknown, used or expired. */
export async function findUsableSignupRequest(db: Db, token: string, now: Date) {
  const request = await db.signupRequest.findUnique({ where: { tokenHash: hashToken(token) } });
  return request && !request.usedAt && request.expiresAt > now ? request : null;
}

/**
 * Creates the account and its organisation from a followed sign-up link (single use: claimed in the
 * statement that checks it). Null when the link is unknown, used or expired; `emailTaken` when the
 * address got an account meanwhile (another link, an invitation). The address's other links are spent.
 */
export async function confirmSignUp(db: Db, token: string, now: Date) {
  return db.$transaction(async (tx) => {
    const claimed = await tx.signupRequest.updateMany({
      where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) return null;
    const request = await tx.signupRequest.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    await tx.signupRequest.updateMany({ where: { email: request.email, usedAt: null }, data: { usedAt: now } });
    if (await tx.user.findUnique({ where: { email: request.email }, select: { id: true } })) return { ok: false as const, reason: "emailTaken" as const };
    const locale = request.locale === "en" ? "en" : "fr";
    const user = await tx.user.create({ data: { name: request.name, email: request.email, passwordHash: request.passwordHash, locale } });
    const organisation = await tx.organisation.create({
      data: { legalName: request.organisationName, locale, memberships: { create: { userId: user.id, role: "owner" } } },
    });
    return { ok: true as const, user, organisation };
  });
}

export type LoginResult =
  | { ok: true; user: { id: string; mustChangePassword: boolean } }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterMinutes: number };

export async function authenticate(db: Db, email: string, password: string, now: Date): Promise<LoginResult> {
  const throttle = await db.loginThrottle.findUnique({ where: { key: email } });
  if (throttle?.lockedUntil && throttle.lockedUntil > now) {
    return { ok: false, reason: "throttled", retryAfterMinutes: Math.ceil((throttle.lockedUntil.getTime() - now.getTime()) / 60000) };
  }
  const user = await db.user.findUnique({ where: { email } });
  // Without a password on record, a dummy hash is still checked so the answer takes as long.
  let valid = false;
  if (user?.passwordHash) valid = await verify(user.passwordHash, password);
  else await verify(await (dummyHash ??= hashPassword(randomToken())), password);
  if (valid && user) {
    if (throttle) await db.loginThrottle.delete({ where: { key: email } }).catch(() => {});
    return { ok: true, user };
  }
  await recordFailedLogin(db, email, now);
  return { ok: false, reason: "invalid" };
}

async function recordFailedLogin(db: Db, key: string, now: Date) {
  await db.$transaction(async (tx) => {
    const current = await tx.loginThrottle.findUnique({ where: { key } });
    const windowOpen = current && now.getTime() - current.firstFailAt.getTime() < THROTTLE_WINDOW_MS;
    const failures = windowOpen ? current.failures + 1 : 1;
    const data = {
      failures,
      firstFailAt: windowOpen ? current.firstFailAt : now,
      lockedUntil: failures >= MAX_FAILED_LOGINS ? new Date(now.getTime() + THROTTLE_WINDOW_MS) : null,
    };
    await tx.loginThrottle.upsert({ where: { key }, create: { key, ...data }, update: data });
  });
}

export async function createSession(db: Db, userId: string, organisationId: string | null, now: Date) {
  const token = randomToken();
  const session = await db.session.create({
    data: { tokenHash: hashToken(token), userId, organisationId, expiresAt: new Date(now.getTime() + SESSION_DAYS * 86400_000) },
  });
  return { token, session };
}

export async function findSession(db: Db, token: string, now: Date) {
  const session = await db.session.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!session || session.expiresAt <= now) return null;
  return session;
}

export async function destroySession(db: Db, token: string) {
  await db.session.deleteMany({ where: { tokenHash: hashToken(token) } });
}

/** The organisation a session works in, for a member of it. */
export async function setSessionOrganisation(db: Db, session: { id: string; userId: string }, membership: { userId: string; organisationId: string }) {
  if (membership.userId !== session.userId) throw new Error("not this session's membership");
  await db.session.update({ where: { id: session.id }, data: { organisationId: membership.organisationId } });
}

/** Moves a session to one of its user's organisations; false (and nothing changed) when the user is not a member. */
export async function switchOrganisation(db: Db, session: { id: string; userId: string }, organisationId: string) {
  const membership = await findMembership(db, session.userId, organisationId);
  if (!membership) return false;
  await setSessionOrganisation(db, session, membership);
  return true;
}

export async function setUserLocale(db: Db, userId: string, locale: "fr" | "en") {
  await db.user.update({ where: { id: userId }, data: { locale } });
}

/** A new password: the account's other sessions end, and reset links sent before it no longer work. */
export async function changePassword(db: Db, userId: string, keepSessionId: string | null, password: string, now = new Date()) {
  const passwordHash = await hashPassword(password);
  await db.$transaction([
    db.user.update({ where: { id: userId }, data: { passwordHash, mustChangePassword: false } }),
    db.session.deleteMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } }),
    db.passwordResetToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } }),
  ]);
}

export async function verifyUserPassword(db: Db, userId: string, password: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId } });
  return Boolean(user?.passwordHash && (await verify(user.passwordHash, password)));
}

/**
 * A reset asked for an address. When an account has it, a token is created and `queue` adds its email, in
 * one transaction; otherwise nothing is written and nothing is sent. The caller answers the same either
 * way, no sooner than a fixed time (see `atLeast`), so neither the answer nor its time tells which.
 */
export async function requestPasswordReset(
  db: Db,
  email: string,
  now: Date,
  queue: (tx: Db, reset: { user: { name: string; email: string; locale: string }; token: string; resetId: string }) => Promise<unknown>,
) {
  const token = randomToken();
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email } });
    if (!user) return;
    const reset = await tx.passwordResetToken.create({
      data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + RESET_TOKEN_MS) },
    });
    await queue(tx as Db, { user, token, resetId: reset.id });
  });
}

export async function findUsableResetToken(db: Db, token: string, now: Date) {
  const reset = await db.passwordResetToken.findUnique({ where: { tokenHash: hashToken(token) } });
  return reset && !reset.usedAt && reset.expiresAt > now ? reset : null;
}

/**
 * Single use: the token is consumed in the same statement that checks it, so two tabs cannot both use it.
 * Using one consumes every other outstanding token of the account too: an older link (a forwarded email,
 * a mailbox someone else reads) must not reset the new password.
 */
export async function resetPassword(db: Db, token: string, password: string, now: Date) {
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    const claimed = await tx.passwordResetToken.updateMany({
      where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) return null;
    const reset = await tx.passwordResetToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    await tx.passwordResetToken.updateMany({ where: { userId: reset.userId, usedAt: null }, data: { usedAt: now } });
    await tx.session.deleteMany({ where: { userId: reset.userId } });
    return tx.user.update({ where: { id: reset.userId }, data: { passwordHash, mustChangePassword: false } });
  });
}

export type InvitationResult = { kind: "alreadyMember" } | { kind: "added"; userName: string } | { kind: "invited"; token: string };

export async function inviteMember(
  db: Db,
  input: { organisationId: string; invitedById: string; email: string; role: Role },
  now: Date,
): Promise<InvitationResult> {
  const existing = await db.user.findUnique({
    where: { email: input.email },
    include: { memberships: { where: { organisationId: input.organisationId } } },
  });
  if (existing?.memberships.length) return { kind: "alreadyMember" };
  if (existing) {
    await db.membership.create({ data: { userId: existing.id, organisationId: input.organisationId, role: input.role } });
    return { kind: "added", userName: existing.name };
  }
  const token = randomToken();
  await db.invitation.create({
    data: { ...input, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + INVITATION_MS) },
  });
  return { kind: "invited", token };
}

/** An invitation that can still be accepted, with its organisation; null when unknown, used or expired. */
export async function findUsableInvitation(db: Db, token: string, now: Date) {
  const invitation = await db.invitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { organisation: true } });
  return invitation && !invitation.acceptedAt && invitation.expiresAt > now ? invitation : null;
}

/**
 * First login of an invited person: creates the account (no password yet, so the app forces the choice),
 * the membership, and consumes the invitation.
 */
export async function acceptInvitation(db: Db, token: string, now: Date) {
  return db.$transaction(async (tx) => {
    const claimed = await tx.invitation.updateMany({
      where: { tokenHash: hashToken(token), acceptedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now },
    });
    if (claimed.count !== 1) return null;
    const invitation = await tx.invitation.findUniqueOrThrow({ where: { tokenHash: hashToken(token) }, include: { organisation: true } });
    const user =
      (await tx.user.findUnique({ where: { email: invitation.email } })) ??
      (await tx.user.create({
        data: { email: invitation.email, name: invitation.email.split("@")[0], mustChangePassword: true, locale: invitation.organisation.locale },
      }));
    await tx.membership.upsert({
      where: { userId_organisationId: { userId: user.id, organisationId: invitation.organisationId } },
      create: { userId: user.id, organisationId: invitation.organisationId, role: invitation.role },
      update: {},
    });
    return { user, organisationId: invitation.organisationId };
  });
}
