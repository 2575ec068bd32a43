/**
 * Issue 13, item 1: no page, email or PDF may show a translation key instead of text. Every key the code
 * names, written out ("invoices.title") or built from a pattern (`notify.${kind}.merchant.subject`), must
 * be in both catalogues with a non-empty value. A new pattern fails this test until its values are listed
 * below: that list is where a new kind, status or method is noticed.
 */
import { RETURN_REASONS } from "~/domain/debits/statuses";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNT_NOTICE_KINDS, CUSTOMER_NOTICE_KINDS, NOTIFICATION_KINDS } from "~/domain/notifications";
import { type MovementKind, PAYMENT_MOVEMENT_KINDS } from "~/domain/accounts/movements";
import { CREDIT_NOTE_KINDS } from "~/domain/credit-notes/totals";
import { OPERATION_NATURES, VAT_EXEMPTIONS } from "~/domain/invoices/mentions";
import { MANDATE_STATUSES } from "~/domain/mandates/service";
import { DEBIT_STATUSES } from "~/domain/debits/statuses";
import { INVOICE_STATUSES } from "~/domain/invoices/status";
import { ROLES } from "~/domain/permissions";
import { ACCESS_STATES } from "~/domain/customer-space/access";
import { LINE_ORIGINS, RECEIPT_METHODS } from "~/domain/journal/kinds";
import { LOCALES } from "~/i18n";
import { en } from "~/i18n/en";
import { fr } from "~/i18n/fr";
import { PROVIDERS } from "../../integrations/types";
import { NAMESPACES } from "../helpers/i18n";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCES = ["app", "emails", "integrations", "server"];
const SKIPPED = [path.join("app", "generated"), path.join("app", "i18n")];

const catalogues = { fr: fr as Record<string, string>, en: en as Record<string, string> };

const METHODS = ["card", "direct_debit"] as const;
const PAYMENT_STATUSES = ["processing", "confirmed", "failed", "charged_back"];
const REFUND_STATUSES = ["pending", "succeeded", "failed", "canceled"];
const PAYMENT_FLAGS = ["chargeback", "dispute"];
/** The outbox rows of an invoice: the invoice, its reminders, and the notices (the merchant's and the customer's). */
const INVOICE_EMAIL_KINDS = [
  "invoice_sent",
  "invoice_reminder",
  "credit_note_sent",
  "mandate_code",
  "mandate_signed",
  ...NOTIFICATION_KINDS,
  ...CUSTOMER_NOTICE_KINDS.map((kind) => `${kind}_customer`),
];
/** A customer account's movements; the type check below fails when a kind is added and not listed here. */
const MOVEMENT_KINDS = [
  "invoice",
  "invoice_void",
  "payment",
  "payment_failed",
  "chargeback",
  "refund",
  "dispute",
  "receipt",
  "receipt_reversal",
  "credit_note",
] as const satisfies readonly MovementKind[];
const everyMovementKind: [Exclude<MovementKind, (typeof MOVEMENT_KINDS)[number]>] extends [never] ? true : false = true;
const OUTBOX_STATUSES = ["pending", "sending", "sent", "failed", "rejected"];
const WEBHOOK_STATUSES = ["pending", "processing", "processed", "ignored", "failed", "rejected", "conflict"];

/**
 * Each key pattern of the code (its `${…}` parts written `*`) and the keys it can produce. The values
 * come from the code's own lists where it has one.
 */
/** Every notice's subject or body: about an invoice, or (a balance payment) about the account. */
const noticeKeys = (part: "subject" | "body") => [
  ...NOTIFICATION_KINDS.map((k) => `notify.${k}.merchant.${part}`),
  ...CUSTOMER_NOTICE_KINDS.map((k) => `notify.${k}.customer.${part}`),
  ...ACCOUNT_NOTICE_KINDS.map((k) => `notify.${k}.merchantAccount.${part}`),
  ...ACCOUNT_NOTICE_KINDS.filter((k) => (CUSTOMER_NOTICE_KINDS as readonly string[]).includes(k)).map((k) => `notify.${k}.customerAccount.${part}`),
];

const EXPANSIONS: Record<string, string[]> = {
  "status.*": [...INVOICE_STATUSES].map((s) => `status.${s}`),
  "lang.*": LOCALES.map((l) => `lang.${l}`),
  "debitReturn.reason.*": RETURN_REASONS.map((code) => `debitReturn.reason.${code}`),
  "imports.ignored.*": ["unreadable", "currency", "moneyOut"].map((why) => `imports.ignored.${why}`),
  "mandates.action.*": ["signed", "set_up", "cancelled", "replaced", "replaces"].map((action) => `mandates.action.${action}`),
  "role.*": ROLES.map((r) => `role.${r}`),
  "providers.*": PROVIDERS.map((p) => `providers.${p}`),
  "providers.env.*": ["providers.env.live", "providers.env.sandbox"],
  "providers.method.*": METHODS.map((m) => `providers.method.${m}`),
  "public.payWith.*": METHODS.map((m) => `public.payWith.${m}`),
  "payments.inFlightMethod.*": [...METHODS, "transfer"].map((m) => `payments.inFlightMethod.${m}`),
  "payments.status.*": PAYMENT_STATUSES.map((s) => `payments.status.${s}`),
  "payments.flag.*": PAYMENT_FLAGS.map((f) => `payments.flag.${f}`),
  "payments.refund.*": REFUND_STATUSES.map((s) => `payments.refund.${s}`),
  "sending.kind.*": INVOICE_EMAIL_KINDS.map((k) => `sending.kind.${k}`),
  "sending.status.*": OUTBOX_STATUSES.map((s) => `sending.status.${s}`),
  "webhooks.status.*": WEBHOOK_STATUSES.map((s) => `webhooks.status.${s}`),
  "notify.*.merchant.subject": NOTIFICATION_KINDS.map((k) => `notify.${k}.merchant.subject`),
  // The notice's email: the merchant's for every kind, the customer's for the kinds sent to customers.
  "notify.*.*.subject": noticeKeys("subject"),
  "notify.*.*.body": noticeKeys("body"),
  "notify.customer.method.*": METHODS.map((m) => `notify.customer.method.${m}`),
  "account.kind.*": MOVEMENT_KINDS.map((k) => `account.kind.${k}`),
  "account.kind.*.onAccount": PAYMENT_MOVEMENT_KINDS.map((k) => `account.kind.${k}.onAccount`),
  "space.access.short.*": ACCESS_STATES.map((s) => `space.access.short.${s}`),
  "creditNotes.kind.*": CREDIT_NOTE_KINDS.map((k) => `creditNotes.kind.${k}`),
  "mandates.status.*": MANDATE_STATUSES.map((s) => `mandates.status.${s}`),
  "debits.status.*": DEBIT_STATUSES.map((s) => `debits.status.${s}`),
  "mandates.origin.*": ["customer", "merchant", "gocardless", "system"].map((o) => `mandates.origin.${o}`),
  "mentions.natureOption.*": OPERATION_NATURES.map((n) => `mentions.natureOption.${n}`),
  "mentions.nature.*": OPERATION_NATURES.map((n) => `mentions.nature.${n}`),
  "mentions.reason.*": VAT_EXEMPTIONS.map((r) => `mentions.reason.${r}`),
  "mentions.exemption.*": VAT_EXEMPTIONS.map((r) => `mentions.exemption.${r}`),
  // Issue 16, the books: the draft journal's origins and methods, and the labels of reversed payments.
  "journal.origin.*": LINE_ORIGINS.map((o) => `journal.origin.${o}`),
  "journal.method.*": RECEIPT_METHODS.map((m) => `journal.method.${m}`),
  "journal.label.*": ["refund", "dispute"].map((k) => `journal.label.${k}`),
  "journal.csv.*": ["date", "journal", "number", "piece", "account", "aux", "auxName", "label", "debit", "credit", "currency", "validated"].map(
    (c) => `journal.csv.${c}`,
  ),
  // Issue 16: imported files and their lines.
  "imports.kind.*": ["csv", "camt053"].map((k) => `imports.kind.${k}`),
  "imports.decimal.*": ["auto", "comma", "point"].map((d) => `imports.decimal.${d}`),
  "imports.lineKind.*": ["credit", "return", "ignored"].map((k) => `imports.lineKind.${k}`),
  "imports.status.*": ["pending", "recorded", "manual", "ignored"].map((s) => `imports.status.${s}`),
  "imports.matchedBy.*": ["invoice_number", "customer_reference", "payer_name", "manual", "end_to_end", "none"].map((m) => `imports.matchedBy.${m}`),
};

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (SKIPPED.includes(relative)) return [];
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

const files = SOURCES.flatMap(sourceFiles).map((file) => ({ file, text: readFileSync(path.join(ROOT, file), "utf8") }));
const namespace = NAMESPACES.join("|");

/** Strings that look like keys and are not: Stripe's event and object names, a file name, a key prefix tested with startsWith. */
const NOT_KEYS = [/^checkout\.session(\.\w+)?$/, /^account\.application\.\w+$/, /^sandbox\.db$/, /\.$/];

/** Every "namespace.key" string literal in the code ("…" or '…', whole). */
function literalKeys() {
  const pattern = new RegExp(`["'](?:${namespace})\\.[A-Za-z0-9_.]+["']`, "g");
  return files
    .flatMap(({ file, text }) => [...text.matchAll(pattern)].map(([match]) => ({ file, key: match.slice(1, -1) })))
    .filter(({ key }) => !NOT_KEYS.some((not) => not.test(key)));
}

/** Every template literal that builds a key: `namespace.${…}…`, as a pattern with `*` for each `${…}`. */
function keyPatterns() {
  const pattern = new RegExp(`\`((?:${namespace})\\.[^\`]*?\\$\\{[^\`]*)\``, "g");
  return files.flatMap(({ file, text }) =>
    [...text.matchAll(pattern)].map(([, body]) => ({ file, pattern: body.replace(/\$\{[^}]*\}/g, "*") })).filter(({ pattern }) => !pattern.includes(" ")),
  );
}

describe("translation keys", () => {
  it("both catalogues have the same keys, each with a non-empty value", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const [locale, catalogue] of Object.entries(catalogues)) {
      const empty = Object.entries(catalogue).filter(([, value]) => !value.trim());
      expect(empty.map(([key]) => `${locale}: ${key}`)).toEqual([]);
    }
  });

  it("French and English use the same variables in each message ({de:name} is French for « de {name} »)", () => {
    const variables = (text: string) => [...new Set([...text.matchAll(/\{(?:de:)?(\w+)\}/g)].map(([, name]) => name))].sort();
    const mismatched = Object.keys(fr).filter((key) => variables(catalogues.fr[key]).join() !== variables(catalogues.en[key]).join());
    // Format placeholders of errors.numberFormat ({SEQ}, {YYYY}…) are text the merchant types, in both languages.
    expect(mismatched).toEqual([]);
  });

  it("every key written in the code is in both catalogues", () => {
    const found = literalKeys();
    expect(found.length).toBeGreaterThan(300);
    const missing = found.filter(({ key }) => !(key in fr) || !(key in en)).map(({ file, key }) => `${file}: ${key}`);
    expect(missing).toEqual([]);
  });

  it("every key pattern of the code is listed here, and each key it can produce is in both catalogues", () => {
    const patterns = keyPatterns();
    expect(patterns.length).toBeGreaterThan(20);
    const unknown = patterns.filter(({ pattern }) => !EXPANSIONS[pattern]).map(({ file, pattern }) => `${file}: ${pattern}`);
    expect(unknown, "a new key pattern: list the values it can take in EXPANSIONS").toEqual([]);
    const used = new Set(patterns.map(({ pattern }) => pattern));
    const missing = Object.entries(EXPANSIONS)
      .filter(([pattern]) => used.has(pattern))
      .flatMap(([, keys]) => keys)
      .filter((key) => !catalogues.fr[key]?.trim() || !catalogues.en[key]?.trim());
    expect(missing).toEqual([]);
  });

  it("fails on a key missing from a catalogue, so the checks above are not vacuous", () => {
    expect(everyMovementKind).toBe(true);
    const notThere = "notify.payment_disputed.customer.subject";
    expect(EXPANSIONS["notify.*.*.subject"]).not.toContain(notThere);
    expect(notThere in fr).toBe(false);
  });
});
