import type { Db } from "~/lib/db.server";
import { isUniqueViolation, modelRow } from "~/lib/db.server";
import { decryptSecret, encryptSecret } from "~/lib/crypto.server";
import type { Logger } from "~/lib/logger.server";
import { hashToken, randomToken } from "~/lib/tokens.server";
import type { MessageKey } from "~/i18n";
import { isProviderError, type PaymentProvider, type ProviderId } from "../../integrations/types";
import { UNPAID_STATUSES } from "./invoices/status";

const STATE_TTL_MS = 10 * 60 * 1000;

export async function listConnections(db: Db, organisationId: string) {
  // The query builder: read on every consultation page (docs/decisions/0023).
  const rows = await db.$qb.selectFrom("ProviderConnection").selectAll().where("organisationId", "=", organisationId).orderBy("provider").execute();
  return rows.map((row) => modelRow("ProviderConnection", row));
}

/** The organisation's connections, each with the name of the person who connected it (null if they are gone). */
export async function listConnectionsWithConnector(db: Db, organisationId: string) {
  const connections = await listConnections(db, organisationId);
  const users = await db.user.findMany({ where: { id: { in: connections.map((c) => c.connectedById) } }, select: { id: true, name: true } });
  return connections.map((connection) => ({ ...connection, connectedByName: users.find((u) => u.id === connection.connectedById)?.name ?? null }));
}

/** Starts an OAuth round trip: the returned state is single-use, expires in 10 minutes and is bound to this session and organisation. */
export async function startConnection(db: Db, input: { provider: ProviderId; sessionId: string; organisationId: string; userId: string }, now: Date) {
  const state = randomToken();
  await db.oAuthState.create({ data: { ...input, stateHash: hashToken(state), expiresAt: new Date(now.getTime() + STATE_TTL_MS) } });
  return state;
}

/** `first`: no other provider was connected, so the merchant is asked whether to offer online payment by default. */
export type ConnectResult = { ok: true; accountName: string; first: boolean } | { ok: false; error: MessageKey };

export function providerErrorMessage(error: unknown): MessageKey {
  if (isProviderError(error)) {
    if (error.kind === "unavailable") return "providers.errors.unavailable";
    if (error.kind === "invalid_grant") return "providers.errors.codeExpired";
  }
  return "providers.errors.rejected";
}

/** Completes the round trip. Nothing is stored unless the state, the consent and the code exchange all check out. */
export async function completeConnection(
  deps: { db: Db; provider: PaymentProvider; encryptionKey: string; log: Logger },
  input: { sessionId: string; organisationId: string; userId: string; state: string | null; code: string | null; error: string | null; redirectUri: string },
  now: Date,
): Promise<ConnectResult> {
  const { db, provider, log } = deps;
  if (!input.state) return { ok: false, error: "providers.errors.state" };
  const claimed = await db.oAuthState.updateMany({
    where: {
      stateHash: hashToken(input.state),
      provider: provider.id,
      sessionId: input.sessionId,
      organisationId: input.organisationId,
      usedAt: null,
      expiresAt: { gt: now },
    },
    data: { usedAt: now },
  });
  if (claimed.count !== 1) return { ok: false, error: "providers.errors.state" };
  if (input.error) return { ok: false, error: input.error === "access_denied" ? "providers.errors.denied" : "providers.errors.rejected" };
  if (!input.code || input.code.length > 2000) return { ok: false, error: "providers.errors.rejected" };

  let account: Awaited<ReturnType<typeof provider.exchangeCode>>;
  try {
    account = await provider.exchangeCode(input.code, input.redirectUri);
  } catch (error) {
    log.warn({ provider: provider.id, error: error instanceof Error ? error.message : String(error) }, "provider code exchange failed");
    return { ok: false, error: providerErrorMessage(error) };
  }
  const existing = await db.providerConnection.findUnique({ where: { provider_accountId: { provider: provider.id, accountId: account.accountId } } });
  if (existing && existing.organisationId !== input.organisationId) return { ok: false, error: "providers.errors.elsewhere" };
  const others = await db.providerConnection.count({ where: { organisationId: input.organisationId, revokedAt: null, provider: { not: provider.id } } });
  const data = {
    accountName: account.accountName,
    environment: account.environment,
    encryptedToken: encryptSecret(deps.encryptionKey, account.accessToken),
    connectedById: input.userId,
    connectedAt: now,
    revokedAt: null,
  };
  try {
    await db.providerConnection.upsert({
      where: { organisationId_provider: { organisationId: input.organisationId, provider: provider.id } },
      create: { ...data, organisationId: input.organisationId, provider: provider.id, accountId: account.accountId },
      update: { ...data, accountId: account.accountId },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: "providers.errors.elsewhere" };
    throw error;
  }
  log.info({ provider: provider.id, accountId: account.accountId, environment: account.environment }, "provider connected");
  return { ok: true, accountName: account.accountName || account.accountId, first: others === 0 };
}

/** Payments still on their way, per provider: disconnecting a provider stops following them (its events are ignored). */
export async function paymentsInFlightByProvider(db: Db, organisationId: string): Promise<Record<string, number>> {
  const rows = await db.payment.groupBy({ by: ["provider"], where: { organisationId, status: "processing" }, _count: { _all: true } });
  return Object.fromEntries(rows.map((row) => [row.provider, row._count._all]));
}

/** Revokes at the provider where it can (best effort) and always deletes the token. Null when not this organisation's. */
export async function disconnect(
  deps: { db: Db; providers: { get(id: ProviderId): PaymentProvider }; encryptionKey: string; log: Logger },
  organisationId: string,
  connectionId: string,
) {
  const connection = await deps.db.providerConnection.findFirst({ where: { id: connectionId, organisationId } });
  if (!connection) return null;
  const provider = deps.providers.get(connection.provider as ProviderId);
  try {
    await provider.revoke({ accountId: connection.accountId, accessToken: decryptSecret(deps.encryptionKey, connection.encryptedToken) });
  } catch (error) {
    deps.log.warn(
      { provider: connection.provider, accountId: connection.accountId, error: error instanceof Error ? error.message : String(error) },
      "provider revoke failed; token deleted anyway",
    );
  }
  await deps.db.providerConnection.delete({ where: { id: connection.id } });
  deps.log.info({ provider: connection.provider, accountId: connection.accountId }, "provider disconnected");
  return connection;
}

export async function setOnlinePaymentDefault(db: Db, organisationId: string, enabled: boolean) {
  await db.organisation.update({ where: { id: organisationId }, data: { onlinePaymentDefault: enabled } });
}

/** Invoices already sent, still to be paid, without online payment: what "turn it on for those too" would change. */
const sentWithoutOnlinePayment = (organisationId: string) => ({
  organisationId,
  status: { in: [...UNPAID_STATUSES] },
  sentAt: { not: null },
  onlinePayment: false,
});

export function countSentWithoutOnlinePayment(db: Db, organisationId: string) {
  return db.invoice.count({ where: sentWithoutOnlinePayment(organisationId) });
}

/**
 * The merchant's answer to "offer online payment by default?" after connecting a first provider: the
 * default for new invoices and, if asked, online payment on the invoices already sent and not paid.
 * Returns how many of those were switched on.
 */
export async function answerOnlinePaymentDefault(db: Db, organisationId: string, answer: { byDefault: boolean; alsoSent: boolean }) {
  await setOnlinePaymentDefault(db, organisationId, answer.byDefault);
  if (!answer.alsoSent) return 0;
  const { count } = await db.invoice.updateMany({ where: sentWithoutOnlinePayment(organisationId), data: { onlinePayment: true } });
  return count;
}
