import { describe, expect, it } from "vitest";
import { type AccountEntries, balancesOf, type Movement, movementsOf, statementOf, withRunningBalance } from "~/domain/accounts/movements";

const at = (iso: string) => new Date(iso.length === 10 ? `${iso}T00:00:00.000Z` : iso);

const entries: AccountEntries = {
  invoices: [
    {
      id: "i1",
      number: "F-1",
      issueDate: at("2026-09-01"),
      finalisedAt: at("2026-09-01T09:00:00Z"),
      totalMinor: 10000,
      currency: "EUR",
      status: "paid",
      voidedAt: null,
      createdAt: at("2026-09-01"),
    },
    {
      id: "i2",
      number: "F-2",
      issueDate: at("2026-10-01"),
      finalisedAt: at("2026-10-01T09:00:00Z"),
      totalMinor: 20000,
      currency: "EUR",
      status: "open",
      voidedAt: null,
      createdAt: at("2026-10-01"),
    },
    {
      id: "i3",
      number: "F-3",
      issueDate: at("2026-10-05"),
      finalisedAt: at("2026-10-05T09:00:00Z"),
      totalMinor: 5000,
      currency: "EUR",
      status: "void",
      voidedAt: at("2026-10-06T10:00:00Z"),
      createdAt: at("2026-10-05"),
    },
    {
      id: "d",
      number: null,
      issueDate: at("2026-10-05"),
      finalisedAt: null,
      totalMinor: 999,
      currency: "EUR",
      status: "draft",
      voidedAt: null,
      createdAt: at("2026-10-05"),
    },
  ],
  payments: [
    // Confirmed, then partly refunded and a dispute lost: counts 10000 − 3000 − 2000.
    {
      id: "p1",
      invoiceId: "i1",
      invoiceNumber: "F-1",
      provider: "stripe",
      providerPaymentId: "pi_1",
      method: "card",
      amountMinor: 10000,
      currency: "EUR",
      status: "confirmed",
      statusAt: at("2026-09-02T10:00:00Z"),
      confirmedAt: at("2026-09-02T10:00:00Z"),
      createdAt: at("2026-09-02T10:00:00Z"),
    },
    // Collected, then charged back.
    {
      id: "p2",
      invoiceId: "i2",
      invoiceNumber: "F-2",
      provider: "gocardless",
      providerPaymentId: "PM2",
      method: "direct_debit",
      amountMinor: 20000,
      currency: "EUR",
      status: "charged_back",
      statusAt: at("2026-10-20T10:00:00Z"),
      confirmedAt: at("2026-10-10T10:00:00Z"),
      createdAt: at("2026-10-08T10:00:00Z"),
    },
  ],
  reversals: [
    {
      id: "r1",
      provider: "stripe",
      providerPaymentId: "pi_1",
      kind: "refund",
      amountMinor: 3000,
      status: "succeeded",
      statusAt: at("2026-09-10T10:00:00Z"),
      createdAt: at("2026-09-09T10:00:00Z"),
    },
    {
      id: "r2",
      provider: "stripe",
      providerPaymentId: "pi_1",
      kind: "refund",
      amountMinor: 1000,
      status: "failed",
      statusAt: at("2026-09-11T10:00:00Z"),
      createdAt: at("2026-09-11T10:00:00Z"),
    },
    {
      id: "r3",
      provider: "stripe",
      providerPaymentId: "pi_1",
      kind: "dispute",
      amountMinor: 2000,
      status: "lost",
      statusAt: at("2026-09-20T10:00:00Z"),
      createdAt: at("2026-09-15T10:00:00Z"),
    },
  ],
  receipts: [
    {
      id: "c1",
      kind: "receipt",
      method: "transfer",
      receivedOn: at("2026-10-25"),
      amountMinor: 25000,
      currency: "EUR",
      reference: "VIR",
      createdAt: at("2026-10-25T12:00:00Z"),
    },
    {
      id: "c2",
      kind: "reversal",
      method: "transfer",
      receivedOn: at("2026-10-28"),
      amountMinor: 25000,
      currency: "EUR",
      reference: "VIR",
      createdAt: at("2026-10-28T12:00:00Z"),
    },
    {
      id: "c3",
      kind: "receipt",
      method: "cheque",
      receivedOn: at("2026-11-02"),
      amountMinor: 4000,
      currency: "GBP",
      reference: "",
      createdAt: at("2026-11-02T12:00:00Z"),
    },
  ],
};

describe("the account's movements", () => {
  const movements = movementsOf(entries);

  it("come from every kind of entry, in date order, drafts left out", () => {
    expect(movements.map((m) => [m.kind, m.amountMinor])).toEqual([
      ["invoice", 10000],
      ["payment", -10000],
      ["refund", 3000],
      ["dispute", 2000],
      ["invoice", 20000],
      ["invoice", 5000],
      ["invoice_void", -5000],
      ["payment", -20000],
      ["chargeback", 20000],
      ["receipt", -25000],
      ["receipt_reversal", 25000],
      ["receipt", -4000],
    ]);
  });

  it("sum to the balance per currency: finalised invoices less what was received and kept", () => {
    // EUR: 10000 + 20000 owed, 5000 paid (10000 − 3000 refunded − 2000 disputed), the charged-back debit and the reversed transfer count nothing.
    expect(balancesOf(movements)).toEqual({ EUR: 25000, GBP: -4000 });
    const running = withRunningBalance(movements, "EUR");
    expect(running.at(-1)?.balanceMinor).toBe(25000);
  });

  it("caps refunds and disputes at the payment, as the ledger does", () => {
    const capped = movementsOf({
      ...entries,
      reversals: [{ ...entries.reversals[0], amountMinor: 9000 }, entries.reversals[2]],
    }).filter((m) => m.kind === "refund" || m.kind === "dispute");
    expect(capped.map((m) => m.amountMinor)).toEqual([9000, 1000]);
  });
});

describe("an account statement", () => {
  // A pseudo-random but repeatable set of movements over a year.
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const year: Movement[] = Array.from({ length: 300 }, (_, i) => ({
    date: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 365) * 86_400_000 + Math.floor(random() * 86_400_000)),
    kind: random() > 0.5 ? "invoice" : "receipt",
    currency: random() > 0.9 ? "GBP" : "EUR",
    amountMinor: Math.round((random() - 0.4) * 100000),
    seq: String(i).padStart(4, "0"),
  }));

  it("carried forward + movements = closing, for any range", () => {
    for (let n = 0; n < 200; n++) {
      const a = Math.floor(random() * 400) - 20;
      const b = a + Math.floor(random() * 120);
      const from = new Date(Date.UTC(2026, 0, 1) + a * 86_400_000);
      const to = new Date(Date.UTC(2026, 0, 1) + b * 86_400_000);
      for (const currency of ["EUR", "GBP"]) {
        const s = statementOf(year, currency, from, to);
        expect(s.carriedForwardMinor + s.movements.reduce((sum, m) => sum + m.amountMinor, 0)).toBe(s.closingMinor);
        // The next period starts where this one closed.
        const next = statementOf(year, currency, new Date(to.getTime() + 86_400_000), new Date(to.getTime() + 30 * 86_400_000));
        expect(next.carriedForwardMinor).toBe(s.closingMinor);
      }
    }
  });

  it("over all time closes on the balance, and includes both end days", () => {
    const s = statementOf(year, "EUR", new Date(Date.UTC(2020, 0, 1)), new Date(Date.UTC(2030, 0, 1)));
    expect(s.carriedForwardMinor).toBe(0);
    expect(s.closingMinor).toBe(balancesOf(year).EUR);
    const oneDay = statementOf(
      [{ date: at("2026-05-05T23:59:00Z"), kind: "receipt", currency: "EUR", amountMinor: -5, seq: "1" }],
      "EUR",
      at("2026-05-05"),
      at("2026-05-05"),
    );
    expect(oneDay.movements).toHaveLength(1);
  });
});
