import { afterAll, beforeAll, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app";
import { signUpMerchant } from "../helpers/merchant";
let app: TestApp;
beforeAll(async () => { app = await startTestApp(); });
afterAll(async () => { await app.close(); });
it("debug", async () => {
  try { await signUpMerchant(app); } catch (e) { console.log(app.logs.filter((l) => l.includes('"level":50')).map((l) => l.slice(0, 3000)).join("\n")); throw e; }
});
