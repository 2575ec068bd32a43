/** Invitations to the customer space by email (issue 14): the access code travels sealed through the outbox. */
import { isLocale, translator } from "~/i18n";
import { encryptSecret } from "~/lib/crypto.server";
import type { Db } from "~/lib/db.server";
import { formatDate } from "~/lib/format";
import { BEARER_TOKEN, enqueueStoredTemplate } from "../outbox";
import { ACCESS_CODE_DAYS, displayCode, issueAccessCode } from "./access";

export const spaceUrl = (appUrl: string, organisationId: string, rest = "") => `${appUrl}/espace/${organisationId}${rest}`;

/**
 * A new code, emailed to the customer in their language. The email's body holds only the outbox's
 * placeholder where the code goes; the code itself is the sealed secret, put in at delivery and gone
 * from what is kept once sent. A new invitation replaces the code of the previous one.
 */
export async function inviteToSpace(deps: { db: Db; appUrl: string; encryptionKey: string }, organisationId: string, customerId: string, now: Date) {
  const { db } = deps;
  const result = await issueAccessCode(db, organisationId, customerId, now);
  if (!result?.ok) return result;
  const customer = await db.customer.findUniqueOrThrow({ where: { id: customerId }, include: { organisation: { select: { legalName: true } } } });
  const locale = isLocale(customer.locale) ? customer.locale : "fr";
  const merchant = customer.organisation.legalName;
  const expiresOn = formatDate(new Date(now.getTime() + ACCESS_CODE_DAYS * 86400_000), locale);
  await enqueueStoredTemplate(db, {
    kind: "customer_space_invitation",
    to: result.access.email,
    subject: translator(locale)("space.email.invite.subject", { merchant }),
    idempotencyKey: `customer-space-invitation/${result.access.id}/${now.getTime()}`,
    organisationId,
    secret: encryptSecret(deps.encryptionKey, displayCode(result.code)),
    template: {
      name: "customerSpaceInvitation",
      props: { locale, merchant, name: customer.name, url: spaceUrl(deps.appUrl, organisationId, "/activer"), code: BEARER_TOKEN, expiresOn },
    },
  });
  return result;
}
