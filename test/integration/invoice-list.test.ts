import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVOICES_COUNT_LIMIT, INVOICES_PAGE_SIZE } from "~/domain/invoices/service";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { createCustomer, createDraftInvoice, sentInvoice, signUpMerchant } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { checkoutSession, postWebhook, stripeEvent } from "../mocks/webhooks";

useProviderMocks();
let app: TestApp;
let merchant: { browser: TestBrowser; organisationId: string };
let other: { browser: TestBrowser; organisationId: string };
let customers: string[];
let otherIds: Set<string>;

const DAY = 86400_000;
const STATUSES = ["draft", "open", "partially_paid", "paid", "void"] as const;
/** Every status the list counts (issue 14: « Annulée par avoir » too). */
const COUNTED = [...STATUSES, "credited"] as const;
let numbered = 0;

/** Invoices written straight to the database (the list is what is under test): three share each creation time, so the id must break ties. */
async function addInvoices(organisationId: string, customerIds: string[], count: number, newestAt: number) {
  await app.db.invoice.createMany({
    data: Array.from({ length: count }, (_, i) => {
      const status = STATUSES[i % STATUSES.length];
      return {
        organisationId,
        customerId: customerIds[i % customerIds.length],
        status,
        number: status === "draft" ? null : `L-${++numbered}`,
        currency: "EUR",
        issueDate: new Date(newestAt - 40 * DAY),
        // Half are due in the past: overdue when still unpaid.
        dueDate: new Date(newestAt + (i % 4 < 2 ? -10 : 10) * DAY),
        totalMinor: 12000,
        amountDueMinor: 12000,
        createdAt: new Date(newestAt - Math.floor(i / 3) * 60_000),
      };
    }),
  });
}

interface Row {
  id: string;
  createdAt: Date;
  status: string;
  customerId: string;
  dueDate: Date;
}

/** The organisation's invoices as the list must show them: newest first, ties by id, descending. */
async function expectedList(organisationId: string, keep: (row: Row) => boolean = () => true) {
  const rows = await app.db.invoice.findMany({
    where: { organisationId },
    select: { id: true, createdAt: true, status: true, customerId: true, dueDate: true },
  });
  return rows
    .filter(keep)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((row) => row.id);
}

const todayUtc = () => {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
};
const overdue = (row: Row) => (row.status === "open" || row.status === "partially_paid") && row.dueDate.getTime() < todayUtc();

/** Invoice ids in the page's table, in order. */
function idsOf(html: string): string[] {
  const body = /<tbody[\s\S]*?<\/tbody>/.exec(html)?.[0] ?? "";
  return [...body.matchAll(/href="\/invoices\/([^"/?]+)"/g)].map((m) => m[1]);
}

/** The href of the pager's link with this rel (or text), as a browser would follow it. */
function linkOf(html: string, rel: "next" | "prev"): string | null {
  const tag = new RegExp(`<a[^>]*rel="${rel}"[^>]*>`).exec(html)?.[0];
  const href = tag && /href="([^"]*)"/.exec(tag)?.[1];
  return href ? href.replace(/&amp;/g, "&") : null;
}

function firstPageLink(html: string): string | null {
  const match = /<a[^>]*href="([^"]*)"[^>]*>(?:Première page|First page)<\/a>/.exec(html);
  return match ? match[1].replace(/&amp;/g, "&") : null;
}

function countOf(html: string): string {
  return /(\d+ facture\(s\)|Plus de \d+ factures)/.exec(textOf(html))?.[1] ?? "";
}

/** Follows "next" from `start` to the last page, calling `between` before each following load. */
async function walkForward(browser: TestBrowser, start: string, between?: () => Promise<void>) {
  const pages: string[][] = [];
  const urls: string[] = [];
  let url: string | null = start;
  while (url && pages.length < 200) {
    const page = await browser.get(url);
    expect(page.status, url).toBe(200);
    pages.push(idsOf(page.html));
    urls.push(url);
    url = linkOf(page.html, "next");
    if (url) await between?.();
  }
  return { pages, urls };
}

beforeAll(async () => {
  app = await startTestApp();
  merchant = await signUpMerchant(app, { organisationName: "Liste SARL" });
  customers = [await createCustomer(merchant.browser, { name: "Client Un" }), await createCustomer(merchant.browser, { name: "Client Deux" })];
  other = await signUpMerchant(app, { organisationName: "Autre SAS" });
  const otherCustomer = await createCustomer(other.browser, { name: "Client de l'autre" });
  const now = Date.now() - 60_000;
  await addInvoices(merchant.organisationId, customers, 130, now);
  // The other organisation's invoices are created at the very same times.
  await addInvoices(other.organisationId, [otherCustomer], 40, now);
  otherIds = new Set(await expectedList(other.organisationId));
});
afterAll(() => app.close());

describe("invoice list, page after page", () => {
  it("shows every invoice once, in order, while invoices are added between page loads", async () => {
    const before = await expectedList(merchant.organisationId);
    expect(before.length).toBe(130);
    const added: string[] = [];
    const { pages } = await walkForward(merchant.browser, "/invoices", async () => {
      added.push(await createDraftInvoice(merchant.browser, customers[0]));
    });
    expect(pages.length).toBe(Math.ceil(130 / INVOICES_PAGE_SIZE));
    for (const page of pages.slice(0, -1)) expect(page.length).toBe(INVOICES_PAGE_SIZE);
    // No duplicates, no gaps: exactly the invoices that were there, in order. The new ones are newer: on page 1 next time.
    expect(pages.flat()).toEqual(before);
    expect(added.length).toBe(pages.length - 1);
    expect(idsOf((await merchant.browser.get("/invoices")).html).slice(0, added.length)).toEqual([...added].reverse());
  });

  it("goes back with 'previous' to the same pages, and to a full first page at the top", async () => {
    const all = await expectedList(merchant.organisationId);
    const { pages, urls } = await walkForward(merchant.browser, "/invoices");
    expect(pages.flat()).toEqual(all);
    let page = await merchant.browser.get(urls[urls.length - 1]);
    for (let k = pages.length - 2; k >= 0; k--) {
      const previous = linkOf(page.html, "prev");
      expect(previous, `page ${k + 1}`).toBeTruthy();
      page = await merchant.browser.get(previous!);
      expect(idsOf(page.html)).toEqual(pages[k]);
    }
    expect(linkOf(page.html, "prev")).toBeNull();

    // Two new invoices, then "previous" from page 2: the page just before it, then the (full) first page.
    const newer = [await createDraftInvoice(merchant.browser, customers[0]), await createDraftInvoice(merchant.browser, customers[1])];
    page = await merchant.browser.get(urls[1]);
    page = await merchant.browser.get(linkOf(page.html, "prev")!);
    expect(idsOf(page.html)).toEqual(pages[0]);
    page = await merchant.browser.get(linkOf(page.html, "prev")!);
    expect(idsOf(page.html)).toEqual([...newer.reverse(), ...pages[0]].slice(0, INVOICES_PAGE_SIZE));
    expect(linkOf(page.html, "prev")).toBeNull();
    expect(idsOf((await merchant.browser.get(linkOf(page.html, "next")!)).html)[0]).toBe(pages[0][INVOICES_PAGE_SIZE - 2]);
  });

  it.each([
    ["status", "status=paid", (row: Row) => row.status === "paid"],
    ["customer", () => `customerId=${customers[1]}`, (row: Row) => row.customerId === customers[1]],
    ["customer and status", () => `customerId=${customers[0]}&status=draft`, (row: Row) => row.customerId === customers[0] && row.status === "draft"],
    ["overdue", "overdue=1", overdue],
    ["overdue and status", "overdue=1&status=open", (row: Row) => overdue(row) && row.status === "open"],
  ] as const)("pages through a filter (%s), keeping it in every link", async (_name, query, keep) => {
    const q = typeof query === "function" ? query() : query;
    const expected = await expectedList(merchant.organisationId, keep);
    expect(expected.length).toBeGreaterThan(INVOICES_PAGE_SIZE / 2);
    const { pages, urls } = await walkForward(merchant.browser, `/invoices?${q}`);
    expect(pages.flat()).toEqual(expected);
    for (const url of urls.slice(1)) expect(new URLSearchParams(url.split("?")[1]).toString()).toContain(q.split("&")[0]);
    for (const url of urls.slice(1)) expect(url).toMatch(/[?&]after=\d+\.\w+$/);
  });

  it("never shows another organisation's invoices, whatever the filter or cursor", async () => {
    const all = await expectedList(merchant.organisationId);
    const { pages } = await walkForward(merchant.browser, "/invoices");
    expect(pages.flat().filter((id) => otherIds.has(id))).toEqual([]);

    // The other organisation's own list, with the first one's customer and cursors taken from the first one's pages.
    const first = await merchant.browser.get("/invoices");
    const cursor = /after=([^"&]+)/.exec(linkOf(first.html, "next")!)![1];
    for (const url of [
      `/invoices?customerId=${customers[0]}`,
      `/invoices?after=${cursor}`,
      `/invoices?before=${cursor}`,
      "/invoices",
      "/invoices?status=paid",
    ]) {
      const page = await other.browser.get(url);
      expect(page.status).toBe(200);
      for (const id of idsOf(page.html)) expect(otherIds.has(id), url).toBe(true);
      // (The page may echo its own URL, which holds the cursor's id.)
      for (const id of all.filter((id) => !url.includes(id))) expect(page.html, url).not.toContain(id);
    }
    const { pages: otherPages } = await walkForward(other.browser, "/invoices");
    expect(new Set(otherPages.flat())).toEqual(otherIds);
    expect(countOf((await other.browser.get(`/invoices?customerId=${customers[0]}`)).html)).toBe("0 facture(s)");
  });

  it("gives the first page for a tampered or malformed cursor, never an error", async () => {
    const firstPage = idsOf((await merchant.browser.get("/invoices")).html);
    const malformed = [
      "x",
      "1.",
      ".abc",
      "abc.def",
      "-1.abc",
      "1e3.abc",
      "1.5.abc",
      "99999999999999999999.abc",
      "999999999999999.zzz", // after the year 9999
      "253402300800000.a",
      "1.abc'--",
      "1.a%00b",
      "1.a%20b",
      "%E0%A4%A",
      `1.${"a".repeat(5000)}`,
      "1.ab/../c",
    ];
    for (const value of malformed) {
      for (const name of ["after", "before"]) {
        const page = await merchant.browser.get(`/invoices?${name}=${value}`);
        expect(page.status, `${name}=${value}`).toBe(200);
        expect(idsOf(page.html), `${name}=${value}`).toEqual(firstPage);
      }
    }
    // Well-formed but pointing anywhere: still the organisation's own invoices, never a 500.
    for (const query of ["after=253402300799999.zzz", "before=0.a", "before=253402300799999.zzz", "after=1.a&before=1.a", "after=1.a&after=2.b"]) {
      const page = await merchant.browser.get(`/invoices?${query}`);
      expect(page.status, query).toBe(200);
      for (const id of idsOf(page.html)) expect(otherIds.has(id)).toBe(false);
    }
    // Past the end: nothing older than 1970, and a way back to the first page.
    const end = await merchant.browser.get("/invoices?status=paid&after=0.a");
    expect(end.status).toBe(200);
    expect(idsOf(end.html)).toEqual([]);
    expect(textOf(end.html)).toContain("Aucune facture ne correspond.");
    expect(firstPageLink(end.html)).toBe("/invoices?status=paid");
    // An old-style page number is ignored.
    expect(idsOf((await merchant.browser.get("/invoices?page=3")).html)).toEqual(firstPage);
  });

  it("counts a customer's invoices up to a limit, then says 'more than'", async () => {
    const customer = await createCustomer(merchant.browser, { name: "Gros client" });
    expect(countOf((await merchant.browser.get(`/invoices?customerId=${customer}`)).html)).toBe("0 facture(s)");
    await addInvoices(merchant.organisationId, [customer], INVOICES_COUNT_LIMIT, Date.now() - 10 * DAY);
    expect(countOf((await merchant.browser.get(`/invoices?customerId=${customer}`)).html)).toBe(`${INVOICES_COUNT_LIMIT} facture(s)`);
    await addInvoices(merchant.organisationId, [customer], 1, Date.now() - 20 * DAY);
    expect(countOf((await merchant.browser.get(`/invoices?customerId=${customer}`)).html)).toBe(`Plus de ${INVOICES_COUNT_LIMIT} factures`);
    // The whole organisation's count is exact, however many.
    const total = await app.db.invoice.count({ where: { organisationId: merchant.organisationId } });
    expect(countOf((await merchant.browser.get("/invoices")).html)).toBe(`${total} facture(s)`);
  });
});

describe("invoice counts stay right as invoices change", () => {
  it("after create, finalise, delete, partial and full payment, and cancelling by a credit note", async () => {
    const m = await sentInvoice(app, { invoice: { allowPartialPayment: "on" }, providers: ["stripe"] });
    const account = (await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "stripe" } })).accountId;
    const counts = async () => {
      const shown: Record<string, string> = { all: countOf((await m.browser.get("/invoices")).html) };
      for (const status of COUNTED) shown[status] = countOf((await m.browser.get(`/invoices?status=${status}`)).html);
      // The kept counts are the true counts.
      const kept = await app.db.invoiceStatusCount.findMany({ where: { organisationId: m.organisationId } });
      for (const status of COUNTED) {
        expect(kept.find((k) => k.status === status)?.count ?? 0, status).toBe(
          await app.db.invoice.count({ where: { organisationId: m.organisationId, status } }),
        );
      }
      return shown;
    };
    const expectCounts = async (all: number, byStatus: Partial<Record<(typeof COUNTED)[number], number>>) => {
      const expected: Record<string, string> = { all: `${all} facture(s)` };
      for (const status of COUNTED) expected[status] = `${byStatus[status] ?? 0} facture(s)`;
      expect(await counts()).toEqual(expected);
    };
    const pay = async (paymentIntent: string, amount: number) => {
      const event = stripeEvent("checkout.session.completed", checkoutSession({ invoiceId: m.invoiceId, amount, paymentIntent }), account);
      expect((await postWebhook(app, "stripe", JSON.stringify(event))).status).toBe(204);
      await app.processWebhooks();
    };

    await expectCounts(1, { open: 1 });
    const toFinalise = await createDraftInvoice(m.browser, m.customerId);
    const toDelete = await createDraftInvoice(m.browser, m.customerId);
    await expectCounts(3, { open: 1, draft: 2 });
    expect((await m.browser.post(`/invoices/${toFinalise}`, { intent: "finalise" })).status).toBe(200);
    await expectCounts(3, { open: 2, draft: 1 });
    expect((await m.browser.post(`/invoices/${toDelete}`, { intent: "delete", confirmed: "yes" })).status).toBe(302);
    await expectCounts(2, { open: 2 });
    await pay("pi_list_1", 10000);
    await expectCounts(2, { open: 1, partially_paid: 1 });
    await pay("pi_list_2", 26000);
    await expectCounts(2, { open: 1, paid: 1 });
    expect((await m.browser.post(`/invoices/${toFinalise}`, { intent: "void", confirmed: "yes", reason: "Erreur de saisie" })).status).toBe(200);
    await expectCounts(2, { paid: 1, credited: 1 });
    expect((await app.db.invoice.findUniqueOrThrow({ where: { id: toFinalise } })).status).toBe("credited");
  });

  it("keeps the counts with database triggers that every migration leaves in place", async () => {
    const triggers = await app.db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'Invoice' AND name LIKE 'Invoice_statusCount%' ORDER BY name`,
    );
    expect(triggers.map((t) => t.name)).toEqual(["Invoice_statusCount_delete", "Invoice_statusCount_insert", "Invoice_statusCount_update"]);
  });
});
