import { hash, verify } from "@node-rs/argon2";
import type { Db } from "~/lib/db.server";
import { hashToken, randomToken } from "~/lib/tokens.server";
import { findMembership } from "./organisations";
import type { Role } from "./permissions";
import { RULES, type Throttles, firstRefusal } from "./throttling";

export const SESSION_DAYS = 30;
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
  | { ok: false; reason: "throttled"; retryAfterMs: number };

/**
 * A login attempt, within the rate limits (./throttling.ts): counted before the password is checked, so
 * parallel attempts are all counted. A client that fails too often is refused (on that account, and on
 * all); an account that many clients fail on is only paced, and not at all for a browser its owner
 * logged in from before (`knownBrowser`). Success forgets this client's failures on the account.
 */
export async function login(
  deps: { db: Db; throttles: Throttles },
  input: { email: string; password: string; client: string; knownBrowser: boolean },
): Promise<LoginResult> {
  const { db, throttles } = deps;
  const { email, client } = input;
  const clientAccount = `${client}|${email}`;
  const gate = await firstRefusal(
    () => throttles.consume("loginClient", client),
    () => throttles.consume("loginClientAccount", clientAccount),
  );
  if (!gate.ok) return { ok: false, reason: "throttled", retryAfterMs: gate.retryAfterMs };
  const failuresOnAccount = await throttles.count("loginAccount", email);
  if (failuresOnAccount > RULES.loginAccount.points && !input.knownBrowser) {
    const paced = await throttles.consume("loginAccountPace", email);
    if (!paced.ok) return { ok: false, reason: "throttled", retryAfterMs: paced.retryAfterMs };
  }
  const user = await db.user.findUnique({ where: { email } });
  // Without a password on record, a dummy hash is still checked so the answer takes as long.
  let valid = false;
  if (user?.passwordHash) valid = await verify(user.passwordHash, input.password);
  else await verify(await (dummyHash ??= hashPassword(randomToken())), input.password);
  if (!valid || !user) return { ok: false, reason: "invalid" };
  await Promise.all([throttles.forget("loginClientAccount", clientAccount), throttles.refund("loginClient", client), throttles.refund("loginAccount", email)]);
  return { ok: true, user };
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

export type InvitationResult = { kind: "alreadyMember" } | { kind: "invited"; token: string; existingAccount: boolean };

/**
 * Invites someone by email. Nobody becomes a member without accepting, whether or not they have an
 * account: the inviter gets an invitation to send (a new one replaces one still pending for the address)
 * and learns nothing of the person until they accept.
 */
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
  const token = randomToken();
  await db.$transaction([
    db.invitation.deleteMany({ where: { organisationId: input.organisationId, email: input.email, ...pending(now) } }),
    db.invitation.create({ data: { ...input, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + INVITATION_MS) } }),
  ]);
  return { kind: "invited", token, existingAccount: Boolean(existing?.passwordHash) };
}

const pending = (now: Date) => ({ acceptedAt: null, declinedAt: null, expiresAt: { gt: now } });

/** An invitation that can still be accepted, with its organisation; null when unknown, used, declined or expired. */
export async function findUsableInvitation(db: Db, token: string, now: Date) {
  return db.invitation.findFirst({ where: { tokenHash: hashToken(token), ...pending(now) }, include: { organisation: true } });
}

/** Who may accept an invitation: only its invitee. Someone with a password proves it by being logged in. */
export async function invitationAudience(db: Db, invitation: { email: string }, signedIn: { id: string; email: string } | null) {
  const account = await db.user.findUnique({ where: { email: invitation.email }, select: { id: true, passwordHash: true } });
  if (signedIn) return signedIn.email === invitation.email ? ("invitee" as const) : ("otherAccount" as const);
  // Without a password (new, or invited before and never logged in), holding the emailed link is the proof.
  return account?.passwordHash ? ("loginRequired" as const) : ("newAccount" as const);
}

export type AcceptResult =
  | { ok: true; user: { id: string; passwordHash: string | null }; organisationId: string }
  | { ok: false; reason: "invalid" | "loginRequired" | "otherAccount" };

/**
 * Accepts an invitation through its emailed link: for the signed-in invitee, or, for someone without a
 * password yet, by creating the account (the app then forces a password choice). Single use.
 */
export async function acceptInvitation(db: Db, token: string, signedIn: { id: string; email: string } | null, now: Date): Promise<AcceptResult> {
  const invitation = await findUsableInvitation(db, token, now);
  if (!invitation) return { ok: false, reason: "invalid" };
  const audience = await invitationAudience(db, invitation, signedIn);
  if (audience === "loginRequired" || audience === "otherAccount") return { ok: false, reason: audience };
  const accepted = await claimInvitation(db, invitation.id, now);
  return accepted ? { ok: true, ...accepted } : { ok: false, reason: "invalid" };
}

/** The signed-in user's own pending invitation, accepted from the app; null when it is not theirs or no longer pending. */
export async function acceptOwnInvitation(db: Db, user: { id: string; email: string }, invitationId: string, now: Date) {
  const invitation = await db.invitation.findFirst({ where: { id: invitationId, email: user.email, ...pending(now) } });
  return invitation ? claimInvitation(db, invitation.id, now) : null;
}

/** Consumes a pending invitation and makes its invitee a member (creating the account when there is none). */
async function claimInvitation(db: Db, invitationId: string, now: Date) {
  return db.$transaction(async (tx) => {
    const claimed = await tx.invitation.updateMany({ where: { id: invitationId, ...pending(now) }, data: { acceptedAt: now } });
    if (claimed.count !== 1) return null;
    const invitation = await tx.invitation.findUniqueOrThrow({ where: { id: invitationId }, include: { organisation: true } });
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

/** Declines through the emailed link (whoever holds it received it): false when it was no longer pending. */
export async function declineInvitation(db: Db, token: string, now: Date) {
  const declined = await db.invitation.updateMany({ where: { tokenHash: hashToken(token), ...pending(now) }, data: { declinedAt: now } });
  return declined.count === 1;
}

/** Declines one of the signed-in user's own pending invitations. */
export async function declineOwnInvitation(db: Db, user: { email: string }, invitationId: string, now: Date) {
  const declined = await db.invitation.updateMany({ where: { id: invitationId, email: user.email, ...pending(now) }, data: { declinedAt: now } });
  return declined.count === 1;
}

/** The invitations waiting for this user's answer, with their organisation. */
export function pendingInvitationsFor(db: Db, email: string, now: Date) {
  return db.invitation.findMany({ where: { email, ...pending(now) }, include: { organisation: true }, orderBy: { createdAt: "desc" } });
}

export function countPendingInvitationsFor(db: Db, email: string, now: Date) {
  return db.invitation.count({ where: { email, ...pending(now) } });
}
