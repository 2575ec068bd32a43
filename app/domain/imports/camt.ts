/**
 * Bank statements in ISO 20022 camt.053 (BkToCstmrStmt), any version (.001.02 to .001.08 and later):
 * each entry's transactions become lines. Credits are payments received; a reversed entry (RvslInd) or
 * one with return information (RtrInf) is a debit the bank returned or rejected; other debits are
 * money paid out and ignored. camt.054 notifications (BkToCstmrDbtCdtNtfctn) share the entry layout and
 * are read too. Parsed with fast-xml-parser; namespaces are dropped, so every version reads the same.
 */
import { XMLParser } from "fast-xml-parser";
import { parseFileAmount, parseFileDate } from "./parse-values";
import type { ParsedLine } from "./types";

type Node = Record<string, unknown>;

const ARRAYS = new Set(["Stmt", "Ntfctn", "Ntry", "NtryDtls", "TxDtls", "Ustrd", "Strd"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => ARRAYS.has(name),
});

const text = (value: unknown): string => {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return text((value as Node)["#text"]);
  return String(value).trim();
};
const at = (node: unknown, ...path: string[]): unknown => {
  let current = node;
  for (const key of path) {
    if (current === undefined || current === null || typeof current !== "object") return undefined;
    current = Array.isArray(current) ? (current[0] as Node)?.[key] : (current as Node)[key];
  }
  return current;
};
const list = (value: unknown): Node[] => (Array.isArray(value) ? (value as Node[]) : value ? [value as Node] : []);

export type CamtResult = { ok: true; lines: ParsedLine[] } | { ok: false; error: "imports.errors.notCamt" };

export function looksLikeCamt(bytes: Uint8Array): boolean {
  const head = new TextDecoder("utf-8").decode(bytes.slice(0, 2048));
  return /<\?xml|<Document/i.test(head) && /camt\.05[34]|BkToCstmr/i.test(head);
}

function amountOf(node: unknown): { minor: number; currency: string } | null {
  const minor = parseFileAmount(text(node), "point");
  const currency = typeof node === "object" && node ? String((node as Node)["@_Ccy"] ?? "") : "";
  return minor === null ? null : { minor, currency };
}

function debtorName(tx: Node | undefined): string {
  // camt.053.001.02: RltdPties/Dbtr/Nm; .001.08 and later: RltdPties/Dbtr/Pty/Nm.
  return text(at(tx, "RltdPties", "Dbtr", "Nm")) || text(at(tx, "RltdPties", "Dbtr", "Pty", "Nm"));
}

function remittance(tx: Node | undefined, entry: Node): string {
  const info = (at(tx, "RmtInf") ?? undefined) as Node | undefined;
  const unstructured = list(info?.Ustrd).map(text).filter(Boolean);
  const structured = list(info?.Strd)
    .map((s) => text(at(s, "CdtrRefInf", "Ref")))
    .filter(Boolean);
  const parts = [...unstructured, ...structured];
  if (!parts.length) parts.push(text(entry.AddtlNtryInf), text(at(tx, "AddtlTxInf")));
  return parts.filter(Boolean).join(" ").slice(0, 500);
}

export function parseCamt(bytes: Uint8Array): CamtResult {
  let doc: Node;
  try {
    doc = parser.parse(new TextDecoder("utf-8").decode(bytes)) as Node;
  } catch {
    return { ok: false, error: "imports.errors.notCamt" };
  }
  const root = at(doc, "Document") as Node | undefined;
  const reports = [...list(at(root, "BkToCstmrStmt", "Stmt")), ...list(at(root, "BkToCstmrDbtCdtNtfctn", "Ntfctn"))];
  if (!root || (!at(root, "BkToCstmrStmt") && !at(root, "BkToCstmrDbtCdtNtfctn"))) return { ok: false, error: "imports.errors.notCamt" };
  const lines: ParsedLine[] = [];
  for (const report of reports) {
    for (const entry of list(report.Ntry)) {
      const entryAmount = amountOf(entry.Amt);
      const bookedOn = parseFileDate(text(at(entry, "BookgDt", "Dt")) || text(at(entry, "BookgDt", "DtTm")) || text(at(entry, "ValDt", "Dt")));
      const credit = text(entry.CdtDbtInd) === "CRDT";
      const reversal = text(entry.RvslInd) === "true";
      const transactions = list(entry.NtryDtls).flatMap((d) => list(d.TxDtls));
      const each: (Node | undefined)[] = transactions.length ? transactions : [undefined];
      for (const tx of each) {
        // A batch entry's transactions carry their own amounts; a single one may not.
        const own = amountOf(at(tx, "AmtDtls", "TxAmt", "Amt")) ?? amountOf(at(tx, "Amt"));
        const amount = each.length > 1 ? own : (own ?? entryAmount);
        const returnReason = text(at(tx, "RtrInf", "Rsn", "Cd")) || text(at(tx, "RtrInf", "Rsn", "Prtry"));
        const isReturn = !credit && (reversal || returnReason !== "");
        const endToEndId = text(at(tx, "Refs", "EndToEndId"));
        const kind: ParsedLine["kind"] = !amount || !bookedOn ? "ignored" : credit && !reversal ? "credit" : isReturn ? "return" : "ignored";
        lines.push({
          lineNo: lines.length + 1,
          kind,
          bookedOn: bookedOn ?? new Date(0),
          amountMinor: Math.abs(amount?.minor ?? 0),
          currency: (amount?.currency || entryAmount?.currency || "EUR").toUpperCase(),
          reference: remittance(tx, entry),
          payerName: debtorName(tx).slice(0, 200),
          customerRef: "",
          endToEndId: endToEndId === "NOTPROVIDED" ? "" : endToEndId.slice(0, 35),
          returnReason: returnReason.slice(0, 35),
        });
      }
    }
  }
  return { ok: true, lines };
}
