import { inflateSync } from "node:zlib";

/**
 * The text of a PDF made by the app (@react-pdf/renderer, standard fonts), line by line. Each content
 * stream is inflated; the hex strings of its TJ/Tj operators are read as WinAnsi (windows-1252), the
 * encoding of the standard fonts. react-pdf shows a line in several text objects (one per run: "1 " then
 * "rue"), moving right between them: a move down starts a new line. Enough to check what an invoice
 * prints; not a general PDF reader.
 */
// WinAnsi is Latin-1 but for 0x80–0x9F (Node's TextDecoder reads "windows-1252" as Latin-1): the ones French text uses.
const WIN_ANSI: Record<string, string> = { "\x80": "€", "\x85": "…", "\x8c": "Œ", "\x91": "‘", "\x92": "’", "\x96": "–", "\x97": "—", "\x9c": "œ" };
const winAnsi = (bytes: Buffer) => bytes.toString("latin1").replace(/[\x80-\x9f]/g, (c) => WIN_ANSI[c] ?? c);

export function pdfText(pdf: Uint8Array): string {
  const raw = Buffer.from(pdf).toString("latin1");
  let text = "";
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(match[1], "latin1")).toString("latin1");
    } catch {
      continue; // not a Flate stream (an image, a font)
    }
    let newLine = true;
    for (const item of content.matchAll(/\bBT\b([\s\S]*?)\bET\b|\b1 0 0 1 (\S+) (\S+) cm\b/g)) {
      if (item[1] === undefined) {
        if (Number(item[3]) !== 0) newLine = true;
        continue;
      }
      let hexes = "";
      for (const op of item[1].matchAll(/\[([^\]]*)\]\s*TJ|(<[0-9a-fA-F\s]*>)\s*Tj/g)) {
        hexes += [...(op[1] ?? op[2]).matchAll(/<([0-9a-fA-F\s]*)>/g)].map((hex) => hex[1].replace(/\s/g, "")).join("");
      }
      if (!hexes) continue;
      text += (newLine && text ? "\n" : "") + winAnsi(Buffer.from(hexes, "hex")).replace(/\u00a0/g, " ");
      newLine = false;
    }
  }
  return text;
}
