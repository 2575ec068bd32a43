import { Form, Link, redirect, useActionData, useLoaderData, useSearchParams } from "react-router";
import { z } from "zod";
import { ConfirmLink, ConfirmStep, confirmHref } from "~/components/confirm";
import { CsrfInput, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { InvoiceLines } from "~/components/invoice-lines";
import { Card, PageHeader } from "~/components/page";
import { creditNoteRefundable, refundCreditNote } from "~/domain/credit-notes/refund";
import { emailsOfCreditNote, sendCreditNote } from "~/domain/credit-notes/sending";
import { getCreditNote, unallocatedOf } from "~/domain/credit-notes/service";
import { vatOf } from "~/domain/credit-notes/totals";
import { can } from "~/domain/permissions";
import { optionalText } from "~/domain/validation";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { formatDateTime } from "~/lib/format";
import { parseForm, refuse } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import { randomToken } from "~/lib/tokens.server";
import type { Route } from "./+types/credit-note";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context, "viewInvoices");
  const creditNote = (await getCreditNote(context.db, organisation.id, params.creditNoteId)) ?? notFound();
  const canRefund = can(role, "managePayments");
  return {
    creditNote: {
      id: creditNote.id,
      number: creditNote.number,
      issueDate: creditNote.issueDate,
      reason: creditNote.reason,
      currency: creditNote.currency,
      subtotalMinor: creditNote.subtotalMinor,
      totalMinor: creditNote.totalMinor,
      issuedBy: creditNote.issuedBy.name,
      createdAt: creditNote.createdAt,
    },
    invoice: creditNote.invoice,
    customer: creditNote.customer,
    lines: creditNote.lines,
    vat: vatOf(creditNote.lines),
    allocations: creditNote.allocations.map((a) => ({ id: a.id, amountMinor: a.amountMinor, invoice: a.invoice })),
    onAccountMinor: unallocatedOf(creditNote),
    refundableMinor: canRefund ? await creditNoteRefundable(context.db, organisation.id, creditNote) : 0,
    canSend: can(role, "editInvoices"),
    canRefund,
    emails: await emailsOfCreditNote(context.db, organisation.id, creditNote),
    sendKey: randomToken(),
  };
}

const creditNoteActions = z.discriminatedUnion(
  "intent",
  [
    // The key makes a double click queue one email, not two.
    z.object({ intent: z.literal("send"), sendKey: optionalText(100) }),
    // Money going out: done only with `confirmed=yes`, sent by the confirmation step.
    z.object({ intent: z.literal("refund"), confirmed: optionalText(3) }),
  ],
  { error: "errors.unknownAction" },
);

type Notice = { key: MessageKey; vars?: Record<string, string>; amountMinor?: number };

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, role, session } = await requireMember(request, context, "viewInvoices");
  const submission = await parseForm(request, context, creditNoteActions);
  const creditNote = (await getCreditNote(context.db, organisation.id, params.creditNoteId)) ?? notFound();
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
  const here = `/credit-notes/${creditNote.id}`;
  const refused = (notice: Notice) => ({ result: null, error: notice });
  const done = (notice: Notice) => ({ result: null, done: notice });
  if (input.intent === "send") {
    if (!can(role, "editInvoices")) forbidden();
    const deps = { db: context.db, encryptionKey: context.config.ENCRYPTION_KEY, appUrl: context.config.APP_URL };
    const result =
      (await sendCreditNote(deps, { organisationId: organisation.id, creditNoteId: creditNote.id, requestKey: input.sendKey || randomToken() })) ?? notFound();
    if (!result.ok) return refused({ key: result.error });
    context.log.info({ creditNoteId: creditNote.id }, "credit note email queued");
    return done({ key: "creditNotes.sent", vars: { email: result.to } });
  }
  if (!can(role, "managePayments")) forbidden();
  if (input.confirmed !== "yes") return redirect(confirmHref(here, "refund"));
  const deps = { db: context.db, providers: context.providers, encryptionKey: context.config.ENCRYPTION_KEY, log: context.log };
  const result = (await refundCreditNote(deps, organisation.id, creditNote.id, session.userId)) ?? notFound();
  if (!result.ok) return result.forbidden ? forbidden() : refused({ key: result.error });
  return done({ key: "refunds.requested", amountMinor: result.amountMinor });
}

export default function CreditNotePage() {
  const { t, money, date, locale } = useI18n();
  const { creditNote, invoice, customer, lines, vat, allocations, onAccountMinor, refundableMinor, canSend, canRefund, emails, sendKey } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const notice = actionData && "error" in actionData ? actionData.error : null;
  const success = actionData && "done" in actionData ? actionData.done : null;
  const text = (n: Notice) => t(n.key, { ...n.vars, ...(n.amountMinor === undefined ? {} : { amount: money(n.amountMinor, creditNote.currency) }) });
  const here = `/credit-notes/${creditNote.id}`;
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader
        title={t("creditNotes.pageTitle", { number: creditNote.number })}
        actions={
          <a className={secondaryButtonClass} href={`/credit-notes/${creditNote.id}/pdf`}>
            {t("invoices.downloadPdf")}
          </a>
        }
      >
        <p className="text-slate-600">
          {t("creditNotes.reference", { number: invoice.number ?? "", date: date(invoice.issueDate) })} —{" "}
          <Link className="text-blue-700 hover:underline" to={`/invoices/${invoice.id}`}>
            {invoice.number}
          </Link>{" "}
          ·{" "}
          <Link className="text-blue-700 hover:underline" to={`/customers/${customer.id}`}>
            {customer.company || customer.name}
          </Link>
        </p>
      </PageHeader>
      {params.get("issued") ? <FormMessage success={t("creditNotes.issued", { number: creditNote.number })} /> : null}
      {notice ? (
        <p className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" role="alert">
          {text(notice)}
        </p>
      ) : null}
      {success ? <FormMessage success={text(success)} /> : null}

      <Card>
        <dl className="space-y-1 text-sm">
          <p>{t("creditNotes.reasonText", { reason: creditNote.reason })}</p>
          <p className="text-slate-600">{t("creditNotes.issuedBy", { name: creditNote.issuedBy, date: date(creditNote.issueDate) })}</p>
          {allocations.map((a) => (
            <p key={a.id}>
              {t(a.amountMinor < 0 ? "creditNotes.counterEntry" : "creditNotes.applied", {
                number: a.invoice.number ?? "",
                amount: money(a.amountMinor, creditNote.currency),
              })}
            </p>
          ))}
          {onAccountMinor > 0 ? (
            <p className="font-medium text-emerald-700" data-testid="on-account">
              {t("creditNotes.onAccount", { amount: money(onAccountMinor, creditNote.currency) })}
            </p>
          ) : null}
        </dl>
      </Card>

      <Card title={t("invoices.lines")}>
        <InvoiceLines currency={creditNote.currency} lines={lines} vat={vat} subtotalMinor={creditNote.subtotalMinor} totalMinor={creditNote.totalMinor} />
      </Card>

      {canRefund && refundableMinor > 0 ? (
        <Card title={t("creditNotes.refundTitle")}>
          <div className="space-y-3 text-sm" data-testid="credit-note-refund">
            <p>{t("creditNotes.refundExplain", { amount: money(refundableMinor, creditNote.currency) })}</p>
            {params.get("confirm") === "refund" ? (
              <ConfirmStep
                title={t("confirm.refund.title", { amount: money(refundableMinor, creditNote.currency) })}
                intent="refund"
                confirmLabel={t("confirm.refund.yes", { amount: money(refundableMinor, creditNote.currency) })}
                cancelLabel={t("confirm.refund.no")}
                cancelTo={here}
              >
                <p>{t("confirm.refund.body", { amount: money(refundableMinor, creditNote.currency) })}</p>
              </ConfirmStep>
            ) : (
              <div>
                <ConfirmLink to={confirmHref(here, "refund")}>{t("creditNotes.refund", { amount: money(refundableMinor, creditNote.currency) })}</ConfirmLink>
                <p className="mt-1 text-xs text-slate-500">{t("creditNotes.refundStays")}</p>
              </div>
            )}
          </div>
        </Card>
      ) : null}

      <Card title={t("creditNotes.emails")}>
        {canSend ? (
          <Form method="post" className="mb-4">
            <CsrfInput />
            <input type="hidden" name="sendKey" value={sendKey} />
            <button name="intent" value="send" className={buttonClass}>
              {t("creditNotes.send")}
            </button>
          </Form>
        ) : null}
        {emails.length === 0 ? (
          <p className="text-sm text-slate-600">{t("sending.never")}</p>
        ) : (
          <ul className="space-y-1 text-sm" data-testid="credit-note-emails">
            {emails.map((email) => (
              <li key={email.id}>
                {formatDateTime(email.createdAt, locale)} — {email.toAddress} : <strong>{t(`sending.status.${email.status}` as MessageKey)}</strong>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
