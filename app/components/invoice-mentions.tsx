import { mentionText, NO_VAT_EXEMPTION, OPERATION_NATURES, type PrintedMentions, VAT_EXEMPTIONS } from "~/domain/invoices/mentions";
import { useI18n } from "~/i18n/react";

/**
 * The invoice's legal mentions as the PDF prints them (see printedMentions): the customer's SIREN and VAT
 * number, the delivery address, the nature of the operation, VAT on debits, the 0 % lines' exemption.
 */
export function InvoiceMentions({ mentions, buyerName }: { mentions: PrintedMentions; buyerName?: string }) {
  const { t } = useI18n();
  const buyer = mentions.buyer.map((mention) => mentionText(t, mention));
  if (!buyer.length && !mentions.delivery && !mentions.notes.length) return null;
  return (
    <div className="mt-4 space-y-2 border-t border-slate-100 pt-4 text-sm text-slate-700" data-testid="mentions">
      {buyerName !== undefined && buyer.length ? <p>{[t("mentions.buyer", { name: buyerName }), ...buyer].join(" · ")}</p> : null}
      {mentions.delivery ? <p>{t("mentions.deliveryTo", { address: mentions.delivery.join(", ") })}</p> : null}
      {mentions.notes.map((mention) => (
        <p key={mention.key}>{mentionText(t, mention)}</p>
      ))}
    </div>
  );
}

/** The choices of a nature-of-operation select (invoice form, organisation defaults). */
export function OperationNatureOptions() {
  const { t } = useI18n();
  return OPERATION_NATURES.map((nature) => (
    <option key={nature} value={nature}>
      {t(`mentions.natureOption.${nature}`)}
    </option>
  ));
}

/** The choices of a 0 % VAT reason select, "none" first (invoice form, organisation defaults). */
export function VatExemptionOptions() {
  const { t } = useI18n();
  return (
    <>
      <option value={NO_VAT_EXEMPTION}>{t("mentions.reason.none")}</option>
      {VAT_EXEMPTIONS.map((reason) => (
        <option key={reason} value={reason}>
          {t(`mentions.reason.${reason}`)}
        </option>
      ))}
    </>
  );
}
