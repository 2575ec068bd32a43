import { hashPassword } from "~/domain/auth";
import { type ReceiptInput, recordReceipt } from "~/domain/accounts/receipts";
import { issueCreditNote } from "~/domain/credit-notes/service";
import { createDraft, finaliseInvoice } from "~/domain/invoices/service";
import { encryptSecret } from "~/lib/crypto.server";
import type { Db } from "~/lib/db.server";

export const DEMO_EMAIL = "demo@example.com";
export const DEMO_PASSWORD = "demo-password";
export const DEMO_CUSTOMER_PASSWORD = "client-password";

const DAY = 86400_000;
const day = (base: Date, offset: number) => new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate()) + offset * DAY);

export interface DemoConnection {
  provider: "gocardless" | "stripe";
  accountId: string;
  name: string;
  accessToken: string;
}

/**
 * Seeds a demo organisation when the database has no user at all; returns its login, or null if it did
 * nothing. `connections` are provider accounts to connect it to (the offline sandbox's demo accounts), so
 * its invoices can be paid online at once.
 */
export async function seedDemo(db: Db, now: Date, options: { encryptionKey?: string; connections?: DemoConnection[] } = {}) {
  if ((await db.user.count()) > 0) return null;
  const user = await db.user.create({
    data: { email: DEMO_EMAIL, name: "Camille Martin", passwordHash: await hashPassword(DEMO_PASSWORD), locale: "fr" },
  });
  const organisation = await db.organisation.create({
    data: {
      legalName: "Atelier Martin SARL",
      addressLine1: "12 rue des Lilas",
      postalCode: "34000",
      city: "Montpellier",
      siret: "73282932000074",
      vatNumber: "FR44732829320",
      legalMentions: "SARL au capital de 10 000 € — RCS Montpellier 732 829 320",
      iban: "FR7630006000011234567890189",
      bic: "AGRIFRPP",
      memberships: { create: { userId: user.id, role: "owner" } },
      onlinePaymentDefault: Boolean(options.connections?.length),
    },
  });
  for (const connection of options.connections ?? []) {
    await db.providerConnection.create({
      data: {
        organisationId: organisation.id,
        provider: connection.provider,
        accountId: connection.accountId,
        accountName: connection.name,
        environment: "sandbox",
        encryptedToken: encryptSecret(options.encryptionKey!, connection.accessToken),
        connectedById: user.id,
      },
    });
  }
  const customers = await Promise.all(
    [
      {
        name: "Julie Bernard",
        company: "Cabinet Bernard Expertise",
        email: "julie.bernard@example.fr",
        locale: "fr",
        city: "Lyon",
        postalCode: "69002",
        addressLine1: "4 quai Saint-Antoine",
        reference: "CLI-001",
      },
      {
        name: "Thomas Petit",
        company: "",
        email: "thomas.petit@example.fr",
        locale: "fr",
        city: "Nantes",
        postalCode: "44000",
        addressLine1: "18 rue Crébillon",
        reference: "CLI-002",
      },
      {
        name: "Emily Clarke",
        company: "Clarke & Sons Ltd",
        email: "emily@example.co.uk",
        locale: "en",
        city: "London",
        postalCode: "EC1A 1BB",
        addressLine1: "1 King Street",
        country: "GB",
        reference: "CLI-003",
      },
      {
        name: "Syndicat Les Tilleuls",
        company: "Copropriété Les Tilleuls",
        email: "syndic.tilleuls@example.fr",
        locale: "fr",
        city: "Montpellier",
        postalCode: "34070",
        addressLine1: "7 allée des Tilleuls",
        reference: "CLI-004",
      },
    ].map((c) => db.customer.create({ data: { ...c, organisationId: organisation.id } })),
  );

  const draft = (customerIndex: number, issueOffset: number, lines: { description: string; quantity: number; unitPrice: number; vat: number }[]) =>
    createDraft(db, organisation.id, {
      customerId: customers[customerIndex].id,
      currency: "EUR",
      issueDate: day(now, issueOffset),
      dueDate: day(now, issueOffset + 30),
      notes: "",
      paymentTerms: "Paiement à 30 jours par virement ou prélèvement.",
      onlinePayment: true,
      allowPartialPayment: customerIndex === 3,
      lines: lines.map((l) => ({ description: l.description, quantityThousandths: l.quantity * 1000, unitPriceMinor: l.unitPrice, vatRateBasisPoints: l.vat })),
    });
  const finalise = async (id: string) => {
    const result = await finaliseInvoice(db, organisation.id, id, now);
    if (!result?.ok) throw new Error(`seed: cannot finalise ${id}`);
  };
  // Transfers received, recorded as the merchant would (app/domain/accounts/receipts.ts).
  const pay = async (id: string, amountMinor: number, reference: string) => {
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id } });
    const allocations = [{ invoiceId: id, amountMinor, blank: false }];
    const input = {
      method: "transfer" as const,
      receivedOn: day(now, -1),
      currency: invoice.currency as ReceiptInput["currency"],
      amountMinor,
      reference,
      allocations,
    };
    const recorded = await recordReceipt(db, organisation.id, invoice.customerId, user.id, input);
    if (!recorded?.ok) throw new Error(`seed: cannot record ${reference}`);
  };

  // Finalised in date order: numbering is chronological.
  const paid = await draft(0, -60, [{ description: "Tenue de comptabilité — septembre", quantity: 1, unitPrice: 45000, vat: 2000 }]);
  const overdue = await draft(1, -45, [
    { description: "Dépannage plomberie", quantity: 2, unitPrice: 6500, vat: 1000 },
    { description: "Pièces", quantity: 1, unitPrice: 2390, vat: 2000 },
  ]);
  const voided = await draft(2, -20, [{ description: "Consulting day", quantity: 1, unitPrice: 80000, vat: 2000 }]);
  const partial = await draft(3, -10, [{ description: "Charges de copropriété — T4", quantity: 1, unitPrice: 120000, vat: 0 }]);
  const open = await draft(0, -2, [
    { description: "Tenue de comptabilité — octobre", quantity: 1, unitPrice: 45000, vat: 2000 },
    { description: "Déclaration de TVA", quantity: 1, unitPrice: 9000, vat: 2000 },
  ]);
  await draft(2, 0, [{ description: "Workshop (half day)", quantity: 1.5, unitPrice: 40000, vat: 2000 }]);
  for (const invoice of [paid, overdue, voided, partial, open]) if (invoice.ok) await finalise(invoice.value.id);
  if (paid.ok) await pay(paid.value.id, 54000, "demo-transfer-1");
  if (partial.ok) await pay(partial.value.id, 50000, "demo-transfer-2");
  // A finalised invoice is cancelled by a credit note for the whole of it ("Annuler").
  if (voided.ok) await issueCreditNote(db, organisation.id, voided.value.id, user.id, { request: { kind: "full" }, reason: "Facture émise en double" }, now);
  // Julie Bernard has her customer space open, with a password of her own.
  await db.customerAccess.create({
    data: {
      organisationId: organisation.id,
      customerId: customers[0].id,
      email: customers[0].email,
      passwordHash: await hashPassword(DEMO_CUSTOMER_PASSWORD),
      invitedAt: now,
      activatedAt: now,
    },
  });
  return {
    email: DEMO_EMAIL,
    password: DEMO_PASSWORD,
    customer: { space: `/espace/${organisation.id}`, email: customers[0].email, password: DEMO_CUSTOMER_PASSWORD },
  };
}
