import { inflateSync } from "node:zlib";

/**
 * The text of a PDF made by the app (react-pdf, standard fonts): its compressed content streams inflated,
 * the hex strings of each text-showing operator (Tj, TJ) decoded, one line per operator. Enough to read
 * what a person sees; not a general PDF parser.
 */
export function pdfText(pdf: Uint8Array | ArrayBuffer): string {
  const raw = Buffer.from(pdf instanceof ArrayBuffer ? new Uint8Array(pdf) : pdf).toString("latin1");
  const lines: string[] = [];
  for (const [, body] of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(body, "latin1")).toString("latin1");
    } catch {
      continue; // not a compressed content stream (an image, a font)
    }
    for (const [, operand] of content.matchAll(/(\[[^\]]*\]|<[0-9a-fA-F]*>)\s*T[Jj]/g)) {
      lines.push([...operand.matchAll(/<([0-9a-fA-F]*)>/g)].map(([, hex]) => Buffer.from(hex, "hex").toString("latin1")).join(""));
    }
  }
  return lines.join("\n");
}
