import { readFileSync } from "node:fs";
import { validateXML } from "xmllint-wasm";

/** Validates against an XSD of test/fixtures/xsd with libxml2 compiled to WebAssembly (xmllint-wasm): nothing to install. */
export async function validateAgainstXsd(xml: string, xsdFile: string) {
  const schema = readFileSync(new URL(`../fixtures/xsd/${xsdFile}`, import.meta.url), "utf8");
  const result = await validateXML({ xml: [{ fileName: "file.xml", contents: xml }], schema: [{ fileName: xsdFile, contents: schema }] });
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}
