/** One line read from an imported file, before it is matched (issue 16). */
export interface ParsedLine {
  lineNo: number;
  /** credit: money received; return: a debit the bank returned or rejected; ignored: anything else (money paid out, unreadable). */
  kind: "credit" | "return" | "ignored";
  bookedOn: Date;
  amountMinor: number;
  currency: string;
  reference: string;
  payerName: string;
  customerRef: string;
  endToEndId: string;
  returnReason: string;
}
