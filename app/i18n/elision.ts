/**
 * French elision of "de" before a name: "de Boulangerie Martin", but "d'Atelier Durand", "d'Hélène",
 * "d'EDF". French strings write `{de:merchant}` where they mean "de {merchant}".
 *
 * Elided before a vowel (accented or not) and before a mute h. Whether an h is mute cannot be told from
 * spelling: the common words with an aspirated h (which keep "de") are listed below, every other h is
 * taken as mute. A y elides before a consonant (d'Yves) and not before a vowel (de Yannick).
 */
const ASPIRATED_H = new Set(
  [
    "hache",
    "haie",
    "haine",
    "hall",
    "halle",
    "halte",
    "hamac",
    "hameau",
    "hamburger",
    "hamster",
    "hanche",
    "handball",
    "handicap",
    "hangar",
    "hanneton",
    "haras",
    "hardi",
    "hareng",
    "haricot",
    "harpe",
    "hasard",
    "hâte",
    "hausse",
    "haut",
    "haute",
    "hauteur",
    "havre",
    "hennin",
    "hérisson",
    "hernie",
    "héron",
    "héros",
    "hêtre",
    "hibou",
    "hiérarchie",
    "hippie",
    "hockey",
    "hollande",
    "homard",
    "hongrie",
    "honte",
    "hoquet",
    "hors",
    "hotte",
    "houblon",
    "houille",
    "housse",
    "houx",
    "hublot",
    "huit",
    "huitième",
    "hurlement",
    "hutte",
  ].map((word) => word.normalize("NFC")),
);

const VOWEL = /^[aàâäæeéèêëiîïoôöœuùûüÿ]/i;

/** Whether "de" elides before this text (a name, as written). */
export function elidesDe(text: string): boolean {
  const word = (/^[\p{L}\p{N}]+/u.exec(text.trim().normalize("NFC"))?.[0] ?? "").toLowerCase();
  if (!word) return false;
  if (VOWEL.test(word)) return true;
  if (word.startsWith("y")) return word.length > 1 && !VOWEL.test(word.slice(1)) && word[1] !== "y";
  if (word.startsWith("h")) return word.length > 1 && !ASPIRATED_H.has(word) && !ASPIRATED_H.has(word.replace(/[sx]$/, ""));
  return false;
}

/** "de" and the name, elided where French elides it: "d'Atelier Durand", "de Boulangerie Martin". */
export function withDe(text: string): string {
  const trimmed = text.trim();
  return elidesDe(trimmed) ? `d'${trimmed}` : `de ${trimmed}`;
}
