/**
 * An organisation's accounting settings (issue 16): journal codes, accounts of the French chart (plan
 * comptable général), and the customers' auxiliary account numbers. See docs/decisions/0018.
 */
import { z } from "zod";
import type { Db, Tx } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import { checkbox, optionalText } from "../validation";
import { asReceiptMethod } from "./kinds";

type Client = Db | Tx;

/** The VAT rates of mainland France and overseas, given their own field on the settings page. */
export const COMMON_VAT_RATES = [2000, 1000, 550, 210] as const;

export const DEFAULT_SETTINGS = {
  entityCode: "",
  journalCard: "CB",
  journalDirectDebit: "PRL",
  journalTransfer: "BQ",
  journalCheque: "BQ",
  journalOther: "BQ",
  journalSales: "VT",
  pieceRequired: false,
  bankAccount: "512000",
  customerAccount: "411000",
  customerAuxPrefix: "411",
  customerAuxSource: "generated",
  salesServicesAccount: "706000",
  salesGoodsAccount: "707000",
  vatAccountPrefix: "44571",
  vatAccounts: "{}",
  validatorId: null as string | null,
};
export type AccountingSettings = typeof DEFAULT_SETTINGS;

export async function getAccountingSettings(db: Client, organisationId: string): Promise<AccountingSettings> {
  const row = await db.accountingSettings.findUnique({ where: { organisationId } });
  if (!row) return { ...DEFAULT_SETTINGS };
  const { organisationId: _, updatedAt: __, ...settings } = row;
  return settings;
}

/** The journal code of a method of payment. */
export function journalFor(settings: AccountingSettings, method: string): string {
  switch (asReceiptMethod(method)) {
    case "card":
      return settings.journalCard;
    case "direct_debit":
      return settings.journalDirectDebit;
    case "transfer":
      return settings.journalTransfer;
    case "cheque":
      return settings.journalCheque;
    default:
      return settings.journalOther;
  }
}

/** The journal codes in use, sales first, each once. */
export function journalCodes(settings: AccountingSettings): string[] {
  return [
    ...new Set([
      settings.journalSales,
      settings.journalCard,
      settings.journalDirectDebit,
      settings.journalTransfer,
      settings.journalCheque,
      settings.journalOther,
    ]),
  ];
}

/**
 * The journal's name (JournalLib of the FEC), in French: the books are French. A code shared by several
 * methods is the bank journal.
 */
export function journalLabel(settings: AccountingSettings, code: string): string {
  if (code === settings.journalSales) return "Ventes";
  const names: [string, string][] = [
    [settings.journalCard, "Encaissements carte"],
    [settings.journalDirectDebit, "Encaissements prélèvement"],
    [settings.journalTransfer, "Encaissements virement"],
    [settings.journalCheque, "Encaissements chèque"],
    [settings.journalOther, "Encaissements divers"],
  ];
  const matching = names.filter(([c]) => c === code);
  return matching.length === 1 ? matching[0][1] : "Banque";
}

/** The VAT collected account of a rate: set for that rate, or the prefix followed by the rate's digits (20 % → 4457120). */
export function vatAccountFor(settings: AccountingSettings, rateBasisPoints: number): string {
  const set = parseVatAccounts(settings.vatAccounts)[String(rateBasisPoints)];
  if (set) return set;
  const digits = (rateBasisPoints / 100).toString().replace(".", "");
  return `${settings.vatAccountPrefix}${digits}`;
}

export function parseVatAccounts(json: string): Record<string, string> {
  try {
    const parsed = JSON.parse(json) as unknown;
    if (!parsed || typeof parsed !== "object") return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== ""));
  } catch {
    return {};
  }
}

/**
 * A general account of the French chart: digits only, its class and first digits as expected (512 bank,
 * 411 customers, 706/707 sales, 4457 VAT collected), 3 to 12 characters. The FEC requires the first three
 * characters of CompteNum to be digits of the chart.
 */
export function isAccountOf(account: string, prefixes: readonly string[]): boolean {
  return /^\d{3,12}$/.test(account) && prefixes.some((prefix) => account.startsWith(prefix));
}

/** An auxiliary account number or a journal code: upper-case letters and digits. */
const CODE = /^[A-Z0-9]+$/;
export const isJournalCode = (code: string) => CODE.test(code) && code.length >= 1 && code.length <= 6;

/** The customer's own reference made into an account code: letters and digits, upper-case, accents dropped. */
export function codeFromReference(reference: string): string {
  return reference
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "")
    .slice(0, 17);
}

/** A generated customer code: C0001, C0002… (more digits past 9999). */
export const generatedCustomerCode = (sequence: number) => `C${String(sequence).padStart(4, "0")}`;

async function nextCounter(tx: Client, organisationId: string, name: string): Promise<number> {
  const counter = await tx.accountingCounter.upsert({
    where: { organisationId_name: { organisationId, name } },
    create: { organisationId, name, last: 1 },
    update: { last: { increment: 1 } },
  });
  return counter.last;
}
export { nextCounter };

/**
 * The customer's auxiliary account number, given the first time it is needed and kept: its reference
 * (when the settings say so and it is free), otherwise a generated code; always after the prefix.
 */
export async function customerAuxNumber(tx: Client, organisationId: string, customerId: string, settings: AccountingSettings): Promise<string> {
  const existing = await tx.customerLedgerAccount.findUnique({ where: { customerId } });
  if (existing) return existing.auxNumber;
  const customer = await tx.customer.findFirstOrThrow({ where: { id: customerId, organisationId }, select: { reference: true } });
  const fromReference = settings.customerAuxSource === "reference" ? codeFromReference(customer.reference) : "";
  const candidates = fromReference ? [`${settings.customerAuxPrefix}${fromReference}`] : [];
  for (let tries = 0; tries < 5; tries++) {
    const auxNumber = candidates.shift() ?? `${settings.customerAuxPrefix}${generatedCustomerCode(await nextCounter(tx, organisationId, "customer"))}`;
    try {
      await tx.customerLedgerAccount.create({ data: { customerId, organisationId, auxNumber } });
      return auxNumber;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Given to this customer meanwhile (another run): that one stands. Or the number is another's: try the next.
      const mine = await tx.customerLedgerAccount.findUnique({ where: { customerId } });
      if (mine) return mine.auxNumber;
    }
  }
  throw new Error("no free auxiliary account number");
}

const journalField = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toUpperCase() : ""),
  z.string().min(1, "errors.required").refine(isJournalCode, "errors.journalCode"),
);
const accountField = (prefixes: readonly string[]) =>
  z.preprocess(
    (v) => (typeof v === "string" ? v.replace(/\s/g, "") : ""),
    z
      .string()
      .min(1, "errors.required")
      .refine((value) => isAccountOf(value, prefixes), "errors.accountNumber"),
  );
const optionalVatAccount = z.preprocess(
  (v) => (typeof v === "string" ? v.replace(/\s/g, "") : ""),
  z.union([z.literal(""), z.string().refine((value) => isAccountOf(value, ["4457"]), "errors.accountNumber")]),
);

export const accountingSettingsSchema = z.object({
  entityCode: optionalText(20),
  journalCard: journalField,
  journalDirectDebit: journalField,
  journalTransfer: journalField,
  journalCheque: journalField,
  journalOther: journalField,
  journalSales: journalField,
  pieceRequired: checkbox,
  bankAccount: accountField(["5"]),
  customerAccount: accountField(["411"]),
  customerAuxPrefix: z.preprocess((v) => (typeof v === "string" ? v.trim().toUpperCase() : ""), z.string().regex(/^[0-9A-Z]{0,6}$/, "errors.invalid")),
  customerAuxSource: z.enum(["generated", "reference"], { error: "errors.invalid" }),
  salesServicesAccount: accountField(["70"]),
  salesGoodsAccount: accountField(["70"]),
  vatAccountPrefix: accountField(["4457"]),
  vat2000: optionalVatAccount,
  vat1000: optionalVatAccount,
  vat550: optionalVatAccount,
  vat210: optionalVatAccount,
  validatorId: optionalText(64),
});
export type AccountingSettingsInput = z.output<typeof accountingSettingsSchema>;

/** The settings as the form shows them (the VAT accounts of the common rates in their own fields). */
export function settingsForForm(settings: AccountingSettings) {
  const { vatAccounts, validatorId, pieceRequired, ...rest } = settings;
  return {
    ...rest,
    vat2000: vatAccountFor(settings, 2000),
    vat1000: vatAccountFor(settings, 1000),
    vat550: vatAccountFor(settings, 550),
    vat210: vatAccountFor(settings, 210),
    pieceRequired: pieceRequired ? "on" : "",
    validatorId: validatorId ?? "",
  };
}

/** Saves the settings; the validator must be a member of the organisation (else: nobody named, the payments contact is told). */
export async function saveAccountingSettings(db: Db, organisationId: string, input: AccountingSettingsInput) {
  const { vat2000, vat1000, vat550, vat210, validatorId, ...rest } = input;
  const base = { ...DEFAULT_SETTINGS, ...rest };
  // Only accounts that differ from the rule (prefix + digits) are stored.
  const overrides: Record<string, string> = {};
  for (const [rate, account] of [
    [2000, vat2000],
    [1000, vat1000],
    [550, vat550],
    [210, vat210],
  ] as const) {
    if (account && account !== vatAccountFor({ ...base, vatAccounts: "{}" }, rate)) overrides[String(rate)] = account;
  }
  const member = validatorId ? await db.membership.findFirst({ where: { organisationId, userId: validatorId }, select: { userId: true } }) : null;
  const data = { ...rest, vatAccounts: JSON.stringify(overrides), validatorId: member?.userId ?? null };
  await db.accountingSettings.upsert({ where: { organisationId }, create: { organisationId, ...data }, update: data });
}
