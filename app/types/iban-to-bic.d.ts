// iban-to-bic (MIT) ships no types: its CommonJS module exports these two functions.
declare module "iban-to-bic" {
  const ibanToBic: {
    ibanIsValid(iban: string): boolean;
    /** The BIC for the IBAN's bank code, or undefined when the IBAN is invalid or its bank is not in the tables. */
    ibanToBic(iban: string): string | undefined;
  };
  export default ibanToBic;
}
