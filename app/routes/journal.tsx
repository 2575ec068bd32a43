import { Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { CsrfInput, FormErrors, FormMessage, buttonClass, inputClass, secondaryButtonClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { listDraftLines, syncDraftJournal } from "~/domain/journal/draft";
import { LINE_ORIGINS, type LineOrigin, asReceiptMethod } from "~/domain/journal/kinds";
import { sirenOf } from "~/domain/journal/fec";
import { listEntries, postDraftLines, proposePiece, reverseEntry, syncSalesEntries, validateEntries } from "~/domain/journal/posting";
import { getAccountingSettings, journalCodes, journalFor } from "~/domain/journal/settings";
import { can } from "~/domain/permissions";
import { idField, optionalText } from "~/domain/validation";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { formatDate, formatMoney } from "~/lib/format";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { httpError } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/journal";

const ENTRY_STATES = ["posted", "validated", "all"] as const;

function filtersOf(url: URL) {
  const origin = url.searchParams.get("origin") ?? "";
  const state = url.searchParams.get("state") ?? "";
  return {
    view: url.searchParams.get("view") === "entries" ? ("entries" as const) : ("draft" as const),
    origin: (LINE_ORIGINS as readonly string[]).includes(origin) ? (origin as LineOrigin) : ("" as const),
    who: url.searchParams.get("who") === "mine" ? ("mine" as const) : ("all" as const),
    state: (ENTRY_STATES as readonly string[]).includes(state) ? (state as (typeof ENTRY_STATES)[number]) : ("posted" as const),
  };
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation, user, role } = await requireMember(request, context, "viewBooks");
  const filters = filtersOf(new URL(request.url));
  // The journal is brought up to date on every visit (idempotent), besides the worker's periodic run.
  await syncDraftJournal(context.db, organisation.id);
  await syncSalesEntries(context.db, organisation.id, new Date());
  const settings = await getAccountingSettings(context.db, organisation.id);
  const codes = journalCodes(settings);
  const draft =
    filters.view === "draft"
      ? await listDraftLines(context.db, organisation.id, { origin: filters.origin, mineOf: filters.who === "mine" ? user.id : undefined, state: "draft" })
      : null;
  const entries = filters.view === "entries" ? await listEntries(context.db, organisation.id, { state: filters.state }) : null;
  const pieces = await Promise.all(codes.filter((c) => c !== settings.journalSales).map((code) => proposePiece(context.db, organisation.id, code)));
  const firstJournal = draft?.lines[0] ? journalFor(settings, draft.lines[0].method) : settings.journalTransfer;
  return {
    filters,
    entity: settings.entityCode || organisation.legalName,
    codes,
    pieces,
    pieceRequired: settings.pieceRequired,
    proposedPiece: settings.pieceRequired ? await proposePiece(context.db, organisation.id, firstJournal) : "",
    canPost: can(role, "postEntries"),
    hasSiren: sirenOf(organisation.siret) !== "",
    year: new Date().getUTCFullYear(),
    draft,
    entries,
  };
}

/** A list of ids from checkboxes of one name (none, one or several ticked). */
const idList = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(idField).max(500, "errors.invalid"));

const journalSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("post"),
      lineIds: idList,
      journalCode: optionalText(6),
      pieceRef: optionalText(40),
    }),
    // Validating can never be undone (the books are then fixed by law): it needs its box ticked.
    z.object({ intent: z.literal("validate"), entryIds: idList, confirmed: optionalText(3) }),
    // A reversal is a new entry that cannot itself be taken back: asked once more before it is passed.
    z.object({ intent: z.literal("reverse"), entryId: idField, confirmed: optionalText(3) }),
  ],
  { error: "errors.unknownAction" },
);

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation, user } = await requireMember(request, context, "postEntries");
  const submission = await parseForm(request, context, journalSchema);
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
  const now = new Date();
  const base = { organisationId: organisation.id, userId: user.id, now };
  if (input.intent === "post") {
    const settings = await getAccountingSettings(context.db, organisation.id);
    if (input.journalCode && !journalCodes(settings).includes(input.journalCode)) return refuse(submission, { formErrors: ["errors.invalid"] });
    // Ids of lines that are not this organisation's: as if they did not exist.
    const known = await context.db.cashReceiptLine.count({ where: { organisationId: organisation.id, id: { in: input.lineIds } } });
    if (known !== new Set(input.lineIds).size) httpError(404, "errors.notFound");
    const result = await postDraftLines(context.db, { ...base, lineIds: input.lineIds, journalCode: input.journalCode, pieceRef: input.pieceRef });
    if (!result.ok) return refuse(submission, { formErrors: [result.error] });
    return { result: replyTo(submission, { resetForm: true }), done: { key: "journal.posted" as MessageKey, count: result.entries } };
  }
  if (input.intent === "validate") {
    if (!input.entryIds.length) return refuse(submission, { formErrors: ["journal.errors.noneSelected"] });
    if (input.confirmed !== "on") return refuse(submission, { formErrors: ["journal.errors.confirmValidate"] });
    const known = await context.db.journalEntry.count({ where: { organisationId: organisation.id, id: { in: input.entryIds } } });
    if (known !== new Set(input.entryIds).size) httpError(404, "errors.notFound");
    const count = await validateEntries(context.db, { ...base, entryIds: input.entryIds });
    return { result: replyTo(submission, { resetForm: true }), done: { key: "journal.validated" as MessageKey, count } };
  }
  if (input.confirmed !== "yes") {
    const entry = await context.db.journalEntry.findFirst({
      where: { id: input.entryId, organisationId: organisation.id },
      select: { id: true, journalCode: true, number: true, label: true },
    });
    if (!entry) httpError(404, "errors.notFound");
    return { result: null, confirmReverse: entry! };
  }
  const result = await reverseEntry(context.db, { ...base, entryId: input.entryId });
  if (!result.ok && result.error === "journal.errors.unknownEntry") httpError(404, "errors.notFound");
  if (!result.ok) return refuse(submission, { formErrors: [result.error] });
  return { result: replyTo(submission, { resetForm: true }), done: { key: "journal.reversed" as MessageKey, count: 1 } };
}

const cell = "px-2 py-1.5 text-left align-top";

export default function Journal() {
  const { t, locale } = useI18n();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { filters } = data;
  const tab = (view: "draft" | "entries", label: MessageKey) => (
    <Link
      to={`/journal?view=${view}`}
      className={`rounded px-3 py-1.5 text-sm ${filters.view === view ? "bg-blue-50 font-semibold text-blue-800" : "text-slate-700 hover:bg-slate-100"}`}
      aria-current={filters.view === view ? "page" : undefined}
    >
      {t(label)}
    </Link>
  );
  return (
    <div className="space-y-6">
      <PageHeader title={t("journal.title")}>
        <p className="text-sm text-slate-600">{t("journal.intro")}</p>
      </PageHeader>
      <nav className="flex gap-2">
        {tab("draft", "journal.tab.draft")}
        {tab("entries", "journal.tab.entries")}
      </nav>
      <FormErrors result={actionData?.result} placed={[]} />
      {actionData && "done" in actionData && actionData.done ? <FormMessage success={t(actionData.done.key, { count: actionData.done.count })} /> : null}
      {actionData && "confirmReverse" in actionData && actionData.confirmReverse ? (
        <Card>
          <Form method="post" className="space-y-3" data-testid="confirm-reverse">
            <CsrfInput />
            <input type="hidden" name="intent" value="reverse" />
            <input type="hidden" name="entryId" value={actionData.confirmReverse.id} />
            <input type="hidden" name="confirmed" value="yes" />
            <p className="text-sm">
              {t("journal.reverse.confirm", {
                journal: actionData.confirmReverse.journalCode,
                number: String(actionData.confirmReverse.number),
                label: actionData.confirmReverse.label,
              })}
            </p>
            <button type="submit" className={buttonClass}>
              {t("journal.reverse.confirmSubmit")}
            </button>
          </Form>
        </Card>
      ) : null}
      {data.draft ? draftView() : null}
      {data.entries ? entriesView() : null}
      <Card title={t("journal.export.title")}>
        <p className="mb-3 text-sm text-slate-600">{t("journal.export.fecHint")}</p>
        {!data.hasSiren ? <p className="mb-3 text-sm text-amber-800">{t("journal.export.sirenNeeded")}</p> : null}
        <div className="flex flex-wrap items-end gap-3">
          <Form method="get" action="/journal/fec" reloadDocument className="flex items-end gap-2">
            <label className="text-sm">
              {t("journal.export.year")}
              <input name="year" type="number" min={2000} max={2100} defaultValue={data.year} className={inputClass} />
            </label>
            <button type="submit" className={secondaryButtonClass}>
              {t("journal.export.fec")}
            </button>
          </Form>
          <Form method="get" action="/journal/csv" reloadDocument className="flex items-end gap-2">
            <label className="text-sm">
              {t("journal.export.year")}
              <input name="year" type="number" min={2000} max={2100} defaultValue={data.year} className={inputClass} />
            </label>
            <button type="submit" className={secondaryButtonClass}>
              {t("journal.export.csv")}
            </button>
          </Form>
        </div>
      </Card>
    </div>
  );

  function draftView() {
    const draft = data.draft!;
    return (
      <Card>
        <Form method="get" className="mb-4 flex flex-wrap items-end gap-3">
          <input type="hidden" name="view" value="draft" />
          <label className="text-sm">
            {t("journal.filter.origin")}
            <select name="origin" defaultValue={filters.origin} className={inputClass}>
              <option value="">{t("common.all")}</option>
              {LINE_ORIGINS.map((origin) => (
                <option key={origin} value={origin}>
                  {t(`journal.origin.${origin}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm">
            {t("journal.filter.who")}
            <select name="who" defaultValue={filters.who} className={inputClass}>
              <option value="all">{t("journal.filter.all")}</option>
              <option value="mine">{t("journal.filter.mine")}</option>
            </select>
          </label>
          <button type="submit" className={secondaryButtonClass}>
            {t("journal.filter.apply")}
          </button>
        </Form>
        {draft.lines.length === 0 ? (
          <p>{t("journal.empty")}</p>
        ) : (
          <Form method="post">
            <CsrfInput />
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
                  <tr>
                    <th className={cell}>
                      <span className="sr-only">{t("journal.col.select")}</span>
                    </th>
                    <th className={cell}>{t("journal.col.entity")}</th>
                    <th className={cell}>{t("journal.col.account")}</th>
                    <th className={cell}>{t("journal.col.accountName")}</th>
                    <th className={cell}>{t("journal.col.reference")}</th>
                    <th className={cell}>{t("journal.col.date")}</th>
                    <th className={cell}>{t("journal.col.label")}</th>
                    <th className={`${cell} text-right`}>{t("journal.col.amount")}</th>
                    <th className={cell}>{t("journal.col.method")}</th>
                    <th className={cell}>{t("journal.col.origin")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {draft.lines.map((line) => (
                    <tr key={line.id} data-line={line.id}>
                      <td className={cell}>
                        {data.canPost ? (
                          <input type="checkbox" name="lineIds" value={line.id} aria-label={`${t("journal.col.select")} ${line.label}`} className="h-4 w-4" />
                        ) : null}
                      </td>
                      <td className={cell}>{data.entity}</td>
                      <td className={`${cell} font-mono`}>{line.accountNumber}</td>
                      <td className={cell}>{line.accountName}</td>
                      <td className={`${cell} font-mono text-xs`}>{line.reference}</td>
                      <td className={cell}>{formatDate(line.date, locale)}</td>
                      <td className={cell}>{line.label}</td>
                      <td className={`${cell} text-right tabular-nums ${line.amountMinor < 0 ? "text-red-700" : ""}`}>
                        {formatMoney(line.amountMinor, line.currency, locale)}
                      </td>
                      <td className={cell}>{t(`journal.method.${asReceiptMethod(line.method)}`)}</td>
                      <td className={cell}>{t(`journal.origin.${line.origin as LineOrigin}`)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot className="border-t border-slate-300 font-semibold">
                  {draft.totals.map((total) => (
                    <tr key={total.currency}>
                      <td className={cell} colSpan={7}>
                        {t("journal.total")}
                      </td>
                      <td className={`${cell} text-right tabular-nums`}>{formatMoney(total.amountMinor, total.currency, locale)}</td>
                      <td colSpan={2} />
                    </tr>
                  ))}
                </tfoot>
              </table>
            </div>
            {data.canPost ? (
              <div className="mt-4 flex flex-wrap items-end gap-3">
                <label className="text-sm">
                  {t("journal.post.journal")}
                  <select name="journalCode" defaultValue="" className={inputClass}>
                    <option value="">{t("journal.post.journalOfMethod")}</option>
                    {data.codes.map((code) => (
                      <option key={code} value={code}>
                        {code}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="text-sm">
                  {t("journal.post.piece")}
                  <input name="pieceRef" defaultValue={data.proposedPiece} maxLength={40} className={inputClass} required={data.pieceRequired} />
                </label>
                <button type="submit" name="intent" value="post" className={buttonClass}>
                  {t("journal.post.submit")}
                </button>
                <p className="w-full text-xs text-slate-500">
                  {t(data.pieceRequired ? "journal.post.pieceHintRequired" : "journal.post.pieceHint", { pieces: data.pieces.join(", ") })}
                </p>
              </div>
            ) : null}
          </Form>
        )}
      </Card>
    );
  }

  function entriesView() {
    const entries = data.entries!;
    return (
      <Card>
        <Form method="get" className="mb-4 flex flex-wrap items-end gap-3">
          <input type="hidden" name="view" value="entries" />
          <label className="text-sm">
            {t("journal.filter.state")}
            <select name="state" defaultValue={filters.state} className={inputClass}>
              <option value="posted">{t("journal.entries.posted")}</option>
              <option value="validated">{t("journal.entries.validated")}</option>
              <option value="all">{t("journal.entries.all")}</option>
            </select>
          </label>
          <button type="submit" className={secondaryButtonClass}>
            {t("journal.filter.apply")}
          </button>
        </Form>
        {/* The reverse buttons below submit this form (their `form` attribute): a form cannot sit inside another. */}
        <Form method="post" id="reverse-entry">
          <CsrfInput />
          <input type="hidden" name="intent" value="reverse" />
        </Form>
        {entries.length === 0 ? (
          <p>{t("journal.entries.empty")}</p>
        ) : (
          <Form method="post">
            <CsrfInput />
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
                  <tr>
                    <th className={cell}>
                      <span className="sr-only">{t("journal.col.select")}</span>
                    </th>
                    <th className={cell}>{t("journal.col.journal")}</th>
                    <th className={cell}>{t("journal.col.number")}</th>
                    <th className={cell}>{t("journal.col.date")}</th>
                    <th className={cell}>{t("journal.col.piece")}</th>
                    <th className={cell}>{t("journal.col.account")}</th>
                    <th className={cell}>{t("journal.col.label")}</th>
                    <th className={`${cell} text-right`}>{t("journal.col.debit")}</th>
                    <th className={`${cell} text-right`}>{t("journal.col.credit")}</th>
                    <th className={cell}>{t("journal.col.state")}</th>
                  </tr>
                </thead>
                {entries.map((entry) => (
                  <tbody key={entry.id} className="border-b border-slate-200" data-entry={entry.id}>
                    {entry.lines.map((line, index) => (
                      <tr key={line.id}>
                        <td className={cell}>
                          {index === 0 && data.canPost && !entry.validatedAt ? (
                            <input
                              type="checkbox"
                              name="entryIds"
                              value={entry.id}
                              aria-label={`${t("journal.col.select")} ${entry.label}`}
                              className="h-4 w-4"
                            />
                          ) : null}
                        </td>
                        <td className={cell}>{index === 0 ? entry.journalCode : ""}</td>
                        <td className={cell}>{index === 0 ? entry.number : ""}</td>
                        <td className={cell}>{index === 0 ? formatDate(entry.date, locale) : ""}</td>
                        <td className={cell}>{index === 0 ? entry.pieceRef : ""}</td>
                        <td className={`${cell} font-mono`}>
                          {line.accountNumber}
                          {line.auxNumber ? ` / ${line.auxNumber}` : ""}
                        </td>
                        <td className={cell}>{line.label}</td>
                        <td className={`${cell} text-right tabular-nums`}>{line.debitMinor ? formatMoney(line.debitMinor, entry.currency, locale) : ""}</td>
                        <td className={`${cell} text-right tabular-nums`}>{line.creditMinor ? formatMoney(line.creditMinor, entry.currency, locale) : ""}</td>
                        <td className={cell}>
                          {index === 0 ? (
                            <div className="space-y-1">
                              <p>
                                {entry.validatedAt
                                  ? t("journal.entries.stateValidated", { date: formatDate(entry.validatedAt, locale) })
                                  : t("journal.entries.statePosted")}
                              </p>
                              {entry.reversal ? <p className="text-xs text-slate-500">{t("journal.entries.reversed")}</p> : null}
                              {data.canPost && !entry.reversal && !entry.reversesId ? (
                                <button type="submit" form="reverse-entry" name="entryId" value={entry.id} className="text-xs text-blue-700 hover:underline">
                                  {t("journal.reverse.submit")}
                                </button>
                              ) : null}
                            </div>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                ))}
              </table>
            </div>
            {data.canPost ? (
              <div className="mt-4 space-y-2">
                <label className="flex items-start gap-2 text-sm">
                  <input type="checkbox" name="confirmed" className="mt-1 h-4 w-4" />
                  {t("journal.validate.confirm")}
                </label>
                <button type="submit" name="intent" value="validate" className={buttonClass}>
                  {t("journal.validate.submit")}
                </button>
              </div>
            ) : null}
          </Form>
        )}
      </Card>
    );
  }
}
