import { useForm } from "@conform-to/react";
import { Form, Link, redirect, useActionData, useLoaderData, useSearchParams } from "react-router";
import { z } from "zod";
import { Checkbox, CsrfInput, Field, FormErrors, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { ConfirmLink, ConfirmStep, confirmHref } from "~/components/confirm";
import { InvoiceLines } from "~/components/invoice-lines";
import { InvoiceMentions } from "~/components/invoice-mentions";
import { StatusBadge, isOverdue } from "~/components/invoice-table";
import { Card, PageHeader } from "~/components/page";
import { mentionText, printedMentions } from "~/domain/invoices/mentions";
import { computeTotals } from "~/domain/invoices/totals";
import { deleteDraft, finaliseInvoice, getInvoice, invoiceExists, partiesOf, setPaymentOptions, voidReasonField } from "~/domain/invoices/service";
import { creditNotesOfInvoice, creditStateOf, creditableInvoice, issueCreditNote } from "~/domain/credit-notes/service";
import { listConnections } from "~/domain/connections";
import { balanceOf, onlinePaymentSummary } from "~/domain/checkout";
import { currentLinkToken, regenerateLink } from "~/domain/consultation";
import { excessOf, refundExcess, refundsOf } from "~/domain/refunds";
import { emailsOfInvoice, sendInvoice } from "~/domain/sending";
import { randomToken } from "~/lib/tokens.server";
import { can } from "~/domain/permissions";
import { checkbox, optionalText } from "~/domain/validation";
import type { PaymentMethod } from "../../integrations/types";
import type { OnlinePaymentSummary } from "~/domain/checkout";
import { isMessageKey, type MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { formatDateTime } from "~/lib/format";
import { parseForm, refuse } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import { InvoiceReceipts } from "~/components/invoice-receipts";
import { allocationsOfInvoice } from "~/domain/accounts/receipts";
import { sharesOnInvoice } from "~/domain/payments";
import type { Route } from "./+types/invoice";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context, "viewInvoices");
  const invoice = (await getInvoice(context.db, organisation.id, params.invoiceId)) ?? notFound();
  const { lines, payments, customer } = invoice;
  const refunds = await refundsOf(context.db, organisation.id, payments);
  const parties = partiesOf(invoice);
  return {
    invoice: {
      id: invoice.id,
      number: invoice.number,
      status: invoice.status,
      currency: invoice.currency,
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      notes: invoice.notes,
      paymentTerms: invoice.paymentTerms,
      subtotalMinor: invoice.subtotalMinor,
      taxMinor: invoice.taxMinor,
      totalMinor: invoice.totalMinor,
      amountPaidMinor: invoice.amountPaidMinor,
      amountDueMinor: invoice.amountDueMinor,
      amountCreditedMinor: invoice.amountCreditedMinor,
      voidReason: invoice.voidReason,
      onlinePayment: invoice.onlinePayment,
      allowPartialPayment: invoice.allowPartialPayment,
    },
    customerId: customer.id,
    buyer: parties.buyer,
    lines,
    vat: computeTotals(lines).vat,
    mentions: printedMentions(
      parties,
      lines.map((line) => line.vatRateBasisPoints),
    ),
    payments: payments.map((p) => ({
      id: p.id,
      provider: p.provider,
      method: p.method,
      amountMinor: p.amountMinor,
      refundedMinor: p.refundedMinor,
      status: p.status,
      flag: p.flag,
      createdAt: p.createdAt,
    })),
    inFlight: payments
      .filter((p) => p.status === "processing")
      .map((p) => ({ id: p.id, amountMinor: p.amountMinor, method: p.method, startedAt: p.createdAt })),
    balance: balanceOf(invoice),
    refunds: refunds.map((r) => ({ id: r.id, amountMinor: r.amountMinor, status: r.status, requestedAt: r.createdAt })),
    excess: excessOf(invoice, refunds),
    canEdit: can(role, "editInvoices"),
    canRefund: can(role, "managePayments"),
    emails: await emailsOfInvoice(context.db, organisation.id, invoice.id),
    sentAt: invoice.sentAt,
    consultationUrl: invoice.sentAt
      ? `${context.config.APP_URL}/i/${await currentLinkToken(context.db, context.config.ENCRYPTION_KEY, organisation.id, invoice.id)}`
      : null,
    sendKey: randomToken(),
    // Issue 14: recorded payments applied to this invoice.
    receiptAllocations: await allocationsOfInvoice(context.db, organisation.id, invoice.id),
    // Payments made on the customer's account (or another invoice's overpayment) that count here.
    shares: await sharesOnInvoice(context.db, organisation.id, invoice.id),
    // Issue 14: its credit notes, and whether another can be issued (finalised, something left to credit).
    creditNotes: await creditNotesOfInvoice(context.db, organisation.id, invoice.id),
    creditable: await creditableInvoice(context.db, organisation.id, invoice.id).then((found) => (found ? creditStateOf(found).creditable : false)),
    online: onlinePaymentSummary(invoice, await listConnections(context.db, organisation.id), context.providers, Boolean(organisation.iban)),
  };
}

/** Every button of the page posts here with its `intent`; the void form also has a reason. */
const invoiceActions = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("finalise") }),
    // The key makes a double click queue one email, not two.
    z.object({ intent: z.literal("send"), sendKey: optionalText(100) }),
    z.object({ intent: z.literal("remind"), sendKey: optionalText(100) }),
    z.object({ intent: z.literal("regenerateLink") }),
    z.object({ intent: z.literal("onlinePayment"), onlinePayment: checkbox, allowPartialPayment: checkbox }),
    // Destructive: done only with `confirmed=yes`, sent by the confirmation step (see CONFIRMED below).
    z.object({ intent: z.literal("delete"), confirmed: optionalText(3) }),
    // "Annuler" a finalised invoice: a credit note for all that is left to credit (the invoice itself never changes).
    z.object({ intent: z.literal("void"), reason: voidReasonField, confirmed: optionalText(3) }),
    z.object({ intent: z.literal("refundExcess"), confirmed: optionalText(3) }),
  ],
  { error: "errors.unknownAction" },
);

/** A message for the page; `amounts` (minor units of the invoice's currency) are formatted for the reader. */
type Notice = { key: MessageKey; vars?: Record<string, string>; amounts?: Record<string, number> };

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, role, session } = await requireMember(request, context, "viewInvoices");
  const submission = await parseForm(request, context, invoiceActions);
  if (!(await invoiceExists(context.db, organisation.id, params.invoiceId))) notFound();
  if (!can(role, "editInvoices")) forbidden();
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
  // A destructive action without its confirmation (a stale page, a crafted post) opens the confirmation step instead.
  if ("confirmed" in input && input.confirmed !== "yes") return redirect(confirmHref(`/invoices/${params.invoiceId}`, input.intent));
  const refused = (notice: Notice) => ({ result: null, error: notice });
  const done = (notice: Notice) => ({ result: null, done: notice });
  const now = new Date();
  switch (input.intent) {
    case "finalise": {
      const result = (await finaliseInvoice(context.db, organisation.id, params.invoiceId, now)) ?? notFound();
      if (!result.ok) return refused({ key: result.error, vars: result.vars });
      context.log.info({ invoiceId: params.invoiceId, number: result.value.number }, "invoice finalised");
      return done({ key: "invoices.finalised", vars: { number: result.value.number } });
    }
    case "send":
    case "remind": {
      const deps = { db: context.db, encryptionKey: context.config.ENCRYPTION_KEY, appUrl: context.config.APP_URL };
      const result =
        (await sendInvoice(
          deps,
          {
            organisationId: organisation.id,
            invoiceId: params.invoiceId,
            kind: input.intent === "send" ? "invoice" : "reminder",
            requestKey: input.sendKey || randomToken(),
          },
          now,
        )) ?? notFound();
      if (!result.ok) return refused({ key: result.error });
      context.log.info({ invoiceId: params.invoiceId, kind: input.intent }, "invoice email queued");
      return done({ key: "sending.queued", vars: { email: result.to } });
    }
    case "regenerateLink":
      await regenerateLink(context.db, context.config.ENCRYPTION_KEY, organisation.id, params.invoiceId, now);
      return done({ key: "sending.regenerated" });
    case "onlinePayment":
      await setPaymentOptions(context.db, organisation.id, params.invoiceId, {
        onlinePayment: input.onlinePayment,
        allowPartialPayment: input.allowPartialPayment,
      });
      return done({ key: "invoices.onlinePaymentSaved" });
    case "delete": {
      const result = (await deleteDraft(context.db, organisation.id, params.invoiceId)) ?? notFound();
      if (!result.ok) return refused({ key: result.error });
      return redirect("/invoices");
    }
    case "void": {
      const result =
        (await issueCreditNote(context.db, organisation.id, params.invoiceId, session.userId, { request: { kind: "full" }, reason: input.reason }, now)) ??
        notFound();
      if (!result.ok) return refused({ key: result.error });
      context.log.info({ invoiceId: params.invoiceId, creditNoteId: result.value.id, number: result.value.number }, "invoice cancelled by a credit note");
      return done({ key: "invoices.voided", vars: { number: result.value.number } });
    }
    case "refundExcess": {
      const deps = { db: context.db, providers: context.providers, encryptionKey: context.config.ENCRYPTION_KEY, log: context.log };
      const result = (await refundExcess(deps, organisation.id, params.invoiceId, session.userId, now)) ?? notFound();
      if (!result.ok) return result.forbidden ? forbidden() : refused({ key: result.error });
      return done({ key: "refunds.requested", amounts: { amount: result.amountMinor } });
    }
  }
}

export default function InvoicePage() {
  const { t, money, date, locale } = useI18n();
  const {
    invoice,
    buyer,
    lines,
    vat,
    mentions,
    payments,
    inFlight,
    balance,
    refunds,
    excess,
    canEdit,
    canRefund,
    customerId,
    online,
    emails,
    consultationUrl,
    sendKey,
    sentAt,
    receiptAllocations,
    shares,
    creditNotes,
    creditable,
  } = useLoaderData<typeof loader>();
  const text = (notice: Notice) =>
    t(notice.key, {
      ...notice.vars,
      ...Object.fromEntries(Object.entries(notice.amounts ?? {}).map(([name, minor]) => [name, money(minor, invoice.currency)])),
    });
  const unpaid = invoice.status === "open" || invoice.status === "partially_paid";
  const actionData = useActionData<typeof action>();
  const notice = actionData && "error" in actionData ? actionData.error : null;
  const success = actionData && "done" in actionData ? actionData.done : null;
  const [voidForm, voidFields] = useForm<{ reason: string }>({ id: "void", lastResult: actionData?.result });
  const [params] = useSearchParams();
  // The confirmation step open (`?confirm=`), or kept open by a refused void (its reason missing).
  const confirming = voidFields.reason.errors?.length ? "void" : params.get("confirm");
  const here = `/invoices/${invoice.id}`;
  const title = invoice.number ? `${t("pdf.invoice")} ${invoice.number}` : t("invoices.draftTitle");
  const isDraft = invoice.status === "draft";
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader
        title={title}
        actions={
          <>
            <a className={secondaryButtonClass} href={`/invoices/${invoice.id}/pdf`}>
              {t("invoices.downloadPdf")}
            </a>
            {canRefund && unpaid ? (
              <Link className={secondaryButtonClass} to={`/customers/${customerId}/receipts/new?invoiceId=${invoice.id}`}>
                {t("receipt.record")}
              </Link>
            ) : null}
            {isDraft && canEdit ? (
              <Link className={secondaryButtonClass} to={`/invoices/${invoice.id}/edit`}>
                {t("common.edit")}
              </Link>
            ) : null}
          </>
        }
      >
        <div className="mt-1">
          <StatusBadge status={invoice.status} overdue={isOverdue(invoice)} />
        </div>
      </PageHeader>
      <FormErrors result={actionData?.result} placed={["reason"]} />
      {notice ? (
        <p className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" role="alert">
          {text(notice)}
        </p>
      ) : null}
      {success ? <FormMessage success={text(success)} /> : null}
      {invoice.status === "void" && invoice.voidReason ? (
        <FormMessage error={null} success={t("invoices.voidedBecause", { reason: invoice.voidReason })} />
      ) : null}

      <InvoiceReceipts allocations={receiptAllocations} />
      <div className="grid gap-6 md:grid-cols-3">
        <Card title={t("pdf.buyer")}>
          <p className="font-medium">
            <Link className="text-blue-700 hover:underline" to={`/customers/${customerId}`}>
              {buyer.company || buyer.name}
            </Link>
          </p>
          {buyer.company ? <p>{buyer.name}</p> : null}
          <p className="text-sm text-slate-600">
            {[buyer.addressLine1, buyer.addressLine2, `${buyer.postalCode} ${buyer.city}`.trim()].filter(Boolean).join(", ")}
          </p>
          <p className="text-sm text-slate-600">{buyer.email}</p>
          {mentions.buyer.map((mention) => (
            <p key={mention.key} className="text-sm text-slate-600">
              {mentionText(t, mention)}
            </p>
          ))}
        </Card>
        <Card>
          <dl className="space-y-1 text-sm">
            <div className="flex justify-between">
              <dt>{t("invoices.issueDate")}</dt>
              <dd>{date(invoice.issueDate)}</dd>
            </div>
            <div className="flex justify-between">
              <dt>{t("invoices.dueDate")}</dt>
              <dd>{date(invoice.dueDate)}</dd>
            </div>
            <div className="flex justify-between">
              <dt>{t("invoices.currency")}</dt>
              <dd>{invoice.currency}</dd>
            </div>
          </dl>
        </Card>
        <Card>
          <dl className="space-y-1 text-sm">
            <AmountRow label={t("invoices.total")} value={money(invoice.totalMinor, invoice.currency)} />
            {invoice.amountCreditedMinor > 0 ? (
              <AmountRow label={t("invoices.amountCredited")} value={money(invoice.amountCreditedMinor, invoice.currency)} testId="credited" />
            ) : null}
            <AmountRow label={t("invoices.amountPaid")} value={money(invoice.amountPaidMinor, invoice.currency)} />
            <AmountRow className="font-semibold" label={t("invoices.amountDue")} value={isDraft ? "—" : money(invoice.amountDueMinor, invoice.currency)} />
            {balance.inFlightMinor > 0 ? (
              <AmountRow className="text-sky-800" label={t("invoices.inFlight")} value={money(balance.inFlightMinor, invoice.currency)} testId="in-flight" />
            ) : null}
            {excess.overpaidMinor > 0 ? (
              <AmountRow
                className="font-semibold text-amber-800"
                label={t("invoices.overpaid")}
                value={money(excess.overpaidMinor, invoice.currency)}
                testId="overpaid"
              />
            ) : null}
          </dl>
        </Card>
      </div>

      {inFlight.length ? (
        <div className="space-y-1 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900" role="status" data-testid="in-flight-payments">
          {inFlight.map((p) => (
            <p key={p.id}>
              {t("payments.inFlight", {
                amount: money(p.amountMinor, invoice.currency),
                method: t(`payments.inFlightMethod.${p.method as "card"}`),
                date: date(p.startedAt),
              })}
            </p>
          ))}
          {invoice.status === "paid" ? <p>{t("refunds.inFlightAfterPaid")}</p> : null}
        </div>
      ) : null}

      {excess.overpaidMinor > 0 ? (
        <Card title={t("refunds.title")}>
          <div className="space-y-3 text-sm" data-testid="excess">
            <p>{t("refunds.explain", { excess: money(excess.overpaidMinor, invoice.currency) })}</p>
            {excess.pendingMinor > 0 ? <p className="text-sky-900">{t("refunds.pending", { amount: money(excess.pendingMinor, invoice.currency) })}</p> : null}
            {canRefund && excess.refundableMinor > 0 ? (
              confirming === "refundExcess" ? (
                <ConfirmStep
                  title={t("confirm.refund.title", { amount: money(excess.refundableMinor, invoice.currency) })}
                  intent="refundExcess"
                  confirmLabel={t("confirm.refund.yes", { amount: money(excess.refundableMinor, invoice.currency) })}
                  cancelLabel={t("confirm.refund.no")}
                  cancelTo={here}
                >
                  <p>{t("confirm.refund.body", { amount: money(excess.refundableMinor, invoice.currency) })}</p>
                </ConfirmStep>
              ) : (
                <div>
                  <ConfirmLink to={confirmHref(here, "refundExcess")}>
                    {t("refunds.refundExcess", { amount: money(excess.refundableMinor, invoice.currency) })}
                  </ConfirmLink>
                  <p className="mt-1 text-xs text-slate-500">{t("refunds.hint")}</p>
                </div>
              )
            ) : null}
          </div>
        </Card>
      ) : null}

      {creditNotes.length || (canEdit && creditable) ? (
        <Card title={t("creditNotes.title")}>
          {creditNotes.length ? (
            <ul className="mb-3 space-y-1 text-sm" data-testid="credit-notes">
              {creditNotes.map((note) => (
                <li key={note.id}>
                  <Link className="text-blue-700 hover:underline" to={`/credit-notes/${note.id}`}>
                    {t("creditNotes.pageTitle", { number: note.number })}
                  </Link>{" "}
                  — {date(note.issueDate)} — {money(note.totalMinor, note.currency)} — {note.reason}
                </li>
              ))}
            </ul>
          ) : null}
          {canEdit && creditable ? (
            <Link className={secondaryButtonClass} to={`/invoices/${invoice.id}/credit-notes/new`}>
              {t("creditNotes.new")}
            </Link>
          ) : null}
        </Card>
      ) : null}

      <Card title={t("invoices.lines")}>
        <InvoiceLines currency={invoice.currency} lines={lines} vat={vat} subtotalMinor={invoice.subtotalMinor} totalMinor={invoice.totalMinor} />
        {invoice.paymentTerms ? (
          <p className="mt-4 text-sm">
            <strong>{t("invoices.paymentTerms")}</strong>
            <br />
            {invoice.paymentTerms}
          </p>
        ) : null}
        {invoice.notes ? <p className="mt-2 whitespace-pre-line text-sm text-slate-700">{invoice.notes}</p> : null}
        <InvoiceMentions mentions={{ ...mentions, buyer: [] }} />
      </Card>

      {payments.length || shares.length ? (
        <Card title={t("payments.title")}>
          <ul className="space-y-1 text-sm" data-testid="payments">
            {shares.map((s) => (
              <li key={s.id} data-testid="payment-share">
                {t(s.fromInvoiceId ? "payments.share.fromInvoice" : "payments.share.fromAccount", {
                  date: date(s.createdAt),
                  amount: money(s.countedMinor, invoice.currency),
                  payment: money(s.paymentAmountMinor, invoice.currency),
                  method: s.method === "card" ? t("providers.method.card") : t("providers.method.direct_debit"),
                })}{" "}
                · {t(`payments.status.${s.status}` as MessageKey)}
              </li>
            ))}
            {payments.map((p) => (
              <li key={p.id}>
                {date(p.createdAt)} — {money(p.amountMinor, invoice.currency)} ·{" "}
                {p.method === "card" ? t("providers.method.card") : p.method === "direct_debit" ? t("providers.method.direct_debit") : p.provider} ·{" "}
                {t(`payments.status.${p.status}` as MessageKey)}
                {p.refundedMinor ? ` (${t("payments.refunded", { amount: money(p.refundedMinor, invoice.currency) })})` : ""}
                {p.flag ? (
                  <span className="ml-2 rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">
                    {t(`payments.flag.${p.flag}` as MessageKey)}
                  </span>
                ) : null}
              </li>
            ))}
            {refunds.map((r) => (
              <li key={r.id} data-testid="refund">
                {t(`payments.refund.${r.status as "pending"}`, { amount: money(r.amountMinor, invoice.currency), date: date(r.requestedAt) })}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      {!isDraft ? (
        <Card title={t("sending.timeline")}>
          {canEdit && unpaid ? (
            <Form method="post" className="mb-4 flex flex-wrap gap-2">
              <CsrfInput />
              <input type="hidden" name="sendKey" value={sendKey} />
              <button name="intent" value="send" className={buttonClass}>
                {sentAt ? t("sending.resend") : t("sending.send")}
              </button>
              {sentAt ? (
                <button name="intent" value="remind" className={secondaryButtonClass}>
                  {t("sending.remind")}
                </button>
              ) : null}
              {sentAt ? (
                <button name="intent" value="regenerateLink" className={secondaryButtonClass}>
                  {t("sending.regenerate")}
                </button>
              ) : null}
            </Form>
          ) : null}
          {consultationUrl && invoice.status !== "void" ? (
            <p className="mb-3 break-all text-sm">
              {t("sending.consultationLink")} :{" "}
              <a className="text-blue-700 underline" href={consultationUrl}>
                {consultationUrl}
              </a>
            </p>
          ) : null}
          {emails.length === 0 ? (
            <p className="text-sm text-slate-600">{t("sending.never")}</p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="email-timeline">
              {emails.map((email) => (
                <li key={email.id}>
                  {formatDateTime(email.createdAt, locale)} —{" "}
                  {isMessageKey(`sending.kind.${email.kind}`) ? t(`sending.kind.${email.kind}` as MessageKey) : email.subject} → {email.toAddress} :{" "}
                  <strong>{t(`sending.status.${email.status}` as MessageKey)}</strong>
                  {email.status === "pending" && email.attempts > 0 ? ` (${t("sending.retrying", { attempts: email.attempts })})` : ""}
                </li>
              ))}
            </ul>
          )}
        </Card>
      ) : null}
      {canEdit && invoice.status !== "void" && invoice.status !== "paid" ? (
        <Card title={t("providers.title")}>
          <Form method="post" className="space-y-3">
            <CsrfInput />
            <Checkbox name="onlinePayment" label={t("invoices.onlinePayment")} defaultChecked={invoice.onlinePayment} />
            <Checkbox name="allowPartialPayment" label={t("invoices.allowPartial")} defaultChecked={invoice.allowPartialPayment} />
            <OnlinePaymentSummaryText online={online} currency={invoice.currency} />
            <button name="intent" value="onlinePayment" className={secondaryButtonClass}>
              {t("common.save")}
            </button>
          </Form>
        </Card>
      ) : null}
      {canEdit && isDraft ? (
        <Card>
          <p className="mb-3 text-sm text-slate-600">{t("invoices.finaliseConfirm")}</p>
          <div className="flex flex-wrap gap-3">
            <Form method="post">
              <CsrfInput />
              <button name="intent" value="finalise" className={buttonClass}>
                {t("invoices.finalise")}
              </button>
            </Form>
            {confirming === "delete" ? null : <ConfirmLink to={confirmHref(here, "delete")}>{t("invoices.deleteDraft")}</ConfirmLink>}
          </div>
          {confirming === "delete" ? (
            <div className="mt-4">
              <ConfirmStep
                title={t("confirm.deleteDraft.title")}
                intent="delete"
                confirmLabel={t("confirm.deleteDraft.yes")}
                cancelLabel={t("confirm.deleteDraft.no")}
                cancelTo={here}
              >
                <p>{t("confirm.deleteDraft.body")}</p>
              </ConfirmStep>
            </div>
          ) : null}
        </Card>
      ) : null}
      {canEdit && creditable ? (
        <Card title={t("invoices.void")}>
          {confirming === "void" ? (
            <ConfirmStep
              title={t("confirm.void.title", { number: invoice.number ?? "" })}
              intent="void"
              confirmLabel={t("confirm.void.yes")}
              cancelLabel={t("confirm.void.no")}
              cancelTo={here}
              form={{ id: voidForm.id, onSubmit: voidForm.onSubmit }}
            >
              <p>{t("confirm.void.body")}</p>
              <Field className="max-w-xl" meta={voidFields.reason} label={t("invoices.voidReason")} required maxLength={500} />
            </ConfirmStep>
          ) : (
            <div className="space-y-2">
              <p className="text-sm text-slate-600">{t("invoices.voidHint")}</p>
              <ConfirmLink to={confirmHref(here, "void")}>{t("invoices.void")}</ConfirmLink>
            </div>
          )}
        </Card>
      ) : null}
    </div>
  );
}

/** What the customer will see, in words, under the online payment switch. */
function OnlinePaymentSummaryText({ online, currency }: { online: OnlinePaymentSummary; currency: string }) {
  const { t } = useI18n();
  const names = (methods: readonly PaymentMethod[]) => methods.map((m) => t(`providers.method.${m}`)).join(", ");
  if (!online.online) {
    const key =
      online.reason === "off"
        ? online.transfer
          ? "invoices.online.offTransfer"
          : "invoices.online.offNothing"
        : online.transfer
          ? "invoices.online.noProvider"
          : "invoices.online.noProviderNothing";
    return (
      <div className="space-y-1 rounded-md bg-slate-50 p-3 text-sm text-slate-700" data-testid="online-summary">
        <p>{t(key)}</p>
        {online.reason === "noProvider" ? (
          <Link className="text-blue-700 underline" to="/settings/payments">
            {t("invoices.online.connect")}
          </Link>
        ) : null}
      </div>
    );
  }
  return (
    <div className="space-y-1 rounded-md bg-slate-50 p-3 text-sm text-slate-700" data-testid="online-summary">
      {online.methods.length ? (
        <p>{t(online.sent ? "invoices.online.offered" : "invoices.online.offeredOnceSent", { methods: names(online.methods) })}</p>
      ) : null}
      {online.unavailable.map((method) => (
        <p key={method}>{t("invoices.online.unavailable", { method: t(`providers.method.${method}`), currency })}</p>
      ))}
    </div>
  );
}

function AmountRow({ label, value, className = "", testId }: { label: string; value: string; className?: string; testId?: string }) {
  return (
    <div className={`flex justify-between ${className}`}>
      <dt>{label}</dt>
      <dd className="tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
