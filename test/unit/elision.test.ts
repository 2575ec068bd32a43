import { describe, expect, it } from "vitest";
import { translator } from "~/i18n";
import { elidesDe, withDe } from "~/i18n/elision";

describe("French elision of « de » before a name", () => {
  it.each([
    ["Atelier Durand", "d'Atelier Durand"],
    ["atelier durand", "d'atelier durand"],
    ["Électricité Martin", "d'Électricité Martin"],
    ["Île de Ré Location", "d'Île de Ré Location"],
    ["Œuvres d'art SARL", "d'Œuvres d'art SARL"],
    ["Ursule Conseil", "d'Ursule Conseil"],
    ["EDF", "d'EDF"],
    ["Hôtel du Port", "d'Hôtel du Port"],
    ["Hélène Petit", "d'Hélène Petit"],
    ["Yves Rocher", "d'Yves Rocher"],
    ["  Atelier Durand  ", "d'Atelier Durand"],
  ])("%s → %s", (name, expected) => {
    expect(withDe(name)).toBe(expected);
    expect(elidesDe(name)).toBe(true);
  });

  it.each([
    ["Boulangerie Martin", "de Boulangerie Martin"],
    ["SARL Dupont", "de SARL Dupont"],
    ["Hangar 12", "de Hangar 12"],
    ["Haricots & Cie", "de Haricots & Cie"],
    ["Hollande Import", "de Hollande Import"],
    ["Yannick Bernard", "de Yannick Bernard"],
    ["H&M", "de H&M"],
    ["3F Habitat", "de 3F Habitat"],
    ["« Atelier »", "de « Atelier »"],
    ["", "de "],
  ])("%s → %s", (name, expected) => {
    expect(withDe(name)).toBe(expected);
  });

  it("the French catalogue elides through {de:name}; English keeps the name as it is", () => {
    const fr = translator("fr");
    const en = translator("en");
    expect(fr("email.invoice.subject", { number: "F2026-0001", merchant: "Atelier Durand" })).toBe("Facture F2026-0001 d'Atelier Durand");
    expect(fr("email.invoice.subject", { number: "F2026-0001", merchant: "Boulangerie Martin" })).toBe("Facture F2026-0001 de Boulangerie Martin");
    expect(fr("public.from", { merchant: "Hôtel du Port" })).toBe("De la part d'Hôtel du Port");
    expect(en("email.invoice.subject", { number: "F2026-0001", merchant: "Atelier Durand" })).toBe("Invoice F2026-0001 from Atelier Durand");
    // A variable not given stays visible as written, as before.
    expect(fr("email.invoice.subject", { number: "F2026-0001" })).toBe("Facture F2026-0001 {de:merchant}");
  });
});
