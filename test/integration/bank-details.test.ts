import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { createCustomer, createDraftInvoice, signUpMerchant, organisationProfile as profile } from "../helpers/merchant";
import { pdfText } from "../helpers/pdf-text";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe("bank details: the BIC proposed from the IBAN, and what is wrong with an IBAN", () => {
  it("tells a mistyped IBAN from a malformed one, proposes the bank's BIC, and stores the BIC the merchant saves", async () => {
    const { browser, organisationId } = await signUpMerchant(app);
    let page = await browser.post("/settings/organisation", { ...profile, iban: "FR76 3000 6000 0112 3456 7890 188", bic: "" });
    expect(textOf(page.html)).toContain("IBAN invalide : ses chiffres de contrôle ne correspondent pas.");
    expect(textOf(page.html)).not.toContain("Format de l'IBAN incorrect.");
    page = await browser.post("/settings/organisation", { ...profile, iban: "FR76 3000 6000 0112 3456 7890 18", bic: "" });
    expect(textOf(page.html)).toContain("Format de l'IBAN incorrect.");
    expect(textOf(page.html)).not.toContain("IBAN invalide");

    // Saved without a BIC: nothing is stored for the merchant, the form proposes the bank's.
    page = await browser.post("/settings/organisation", { ...profile, iban: "FR76 3000 6000 0112 3456 7890 189", bic: "" });
    expect(textOf(page.html)).toContain("Modifications enregistrées.");
    expect((await app.db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).bic).toBe("");
    page = await browser.get("/settings/organisation");
    expect(page.html).toMatch(/name="bic"[^>]*value="AGRIFRPPXXX"/);
    expect(textOf(page.html)).toContain("Proposé d'après le code banque de l'IBAN : vérifiez-le, puis enregistrez.");

    // The merchant's own BIC is kept as saved; one unlike the bank's is pointed out, not refused.
    await browser.post("/settings/organisation", { ...profile, iban: "FR7630006000011234567890189", bic: "agrifrpp 882" });
    expect((await app.db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).bic).toBe("AGRIFRPP882");
    page = await browser.get("/settings/organisation");
    expect(textOf(page.html)).toContain("D'après le code banque de l'IBAN, le BIC serait AGRIFRPPXXX : vérifiez le vôtre.");
    page = await browser.post("/settings/organisation", { ...profile, iban: "FR7630006000011234567890189", bic: "AGRI" });
    expect(textOf(page.html)).toContain("Format du BIC incorrect.");

    // An IBAN of a bank the tables do not know: no proposal.
    await browser.post("/settings/organisation", { ...profile, iban: "FR7616958000011234567890177", bic: "" });
    page = await browser.get("/settings/organisation");
    expect(page.html).not.toMatch(/name="bic"[^>]*value="[^"]/);
    expect(textOf(page.html)).not.toContain("Proposé d'après");
  });

  it("says the same in English", async () => {
    const { browser } = await signUpMerchant(app);
    await browser.post("/locale", { locale: "en", redirectTo: "/settings/organisation" });
    let page = await browser.post("/settings/organisation", { ...profile, iban: "FR7630006000011234567890188" });
    expect(textOf(page.html)).toContain("Invalid IBAN: its check digits do not match.");
    page = await browser.post("/settings/organisation", { ...profile, iban: "FR763000600001123456789018" });
    expect(textOf(page.html)).toContain("IBAN format incorrect.");
  });

  it("prints the saved BIC with the IBAN on the PDF and in the consultation page's transfer instructions, in French and English", async () => {
    const { browser } = await signUpMerchant(app);
    await browser.post("/settings/organisation", { ...profile, iban: "FR7630006000011234567890189", bic: "AGRIFRPPXXX" });
    const customerId = await createCustomer(browser, { email: "lucie@example.fr" });
    const invoiceId = await createDraftInvoice(browser, customerId);
    await browser.post(`/invoices/${invoiceId}`, { intent: "finalise" });
    const pdf = async (path: string) => pdfText(new Uint8Array((await browser.get(path)).body));
    expect(await pdf(`/invoices/${invoiceId}/pdf`)).toContain("IBAN : FR76 3000 6000 0112 3456 7890 189   BIC : AGRIFRPPXXX");
    expect(await pdf(`/invoices/${invoiceId}/pdf?lang=en`)).toContain("IBAN: FR76 3000 6000 0112 3456 7890 189   BIC: AGRIFRPPXXX");

    await browser.post(`/invoices/${invoiceId}`, { intent: "send", sendKey: `key-${invoiceId}` });
    const queued = await app.db.outboxEmail.findFirstOrThrow({ where: { invoiceId } });
    const link = /\/i\/[\w-]+/.exec((await app.deliveredEmail(queued.id)).text)![0];
    const text = textOf((await app.browser().get(link)).html);
    expect(text).toContain("Payer par virement");
    expect(text).toContain("IBAN : FR76 3000 6000 0112 3456 7890 189 BIC : AGRIFRPPXXX");

    // The merchant changes banks: the invoice as issued keeps its IBAN, but the link says where to pay now.
    await browser.post("/settings/organisation", { ...profile, iban: "FR1420041010050500013M02606", bic: "PSSTFRPPXXX" });
    expect(await pdf(`/invoices/${invoiceId}/pdf`)).toContain("IBAN : FR76 3000 6000 0112 3456 7890 189");
    const now = textOf((await app.browser().get(link)).html);
    expect(now).toContain("IBAN : FR14 2004 1010 0505 0001 3M02 606 BIC : PSSTFRPPXXX");
    expect(now).not.toContain("FR76 3000");
  });
});
