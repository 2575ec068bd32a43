/**
 * First views of distinct consultation pages against the sign-in page, on the test app in one process
 * (so a CPU profile covers the whole request): `NODE_ENV=production node --cpu-prof --import tsx
 * bench/probe-first-views.ts` (decision 0023). The figures that count are `npm run bench`'s.
 */
import autocannon from "autocannon";
import { encryptSecret } from "~/lib/crypto.server";
import { hashToken, randomToken } from "~/lib/tokens.server";
import { startTestApp } from "../test/helpers/app";
import { seedLoadMerchant } from "../test/helpers/load-seed";

const N = Number(process.env.N ?? 3000);
const app = await startTestApp({ LOG_LEVEL: "error" });
const { org, ids } = await seedLoadMerchant(app.db, N, app.config.ENCRYPTION_KEY);
const paths: string[] = [];
for (const invoiceId of ids) {
  const token = randomToken();
  await app.db.invoiceLink.create({
    data: { organisationId: org.id, invoiceId, tokenHash: hashToken(token), encryptedToken: encryptSecret(app.config.ENCRYPTION_KEY, token) },
  });
  paths.push(`/i/${token}`);
}
const run = async (label: string, from: number, count: number, path?: string) => {
  let view = from;
  const r = (await autocannon({
    url: app.baseUrl + (path ?? "/"),
    connections: 10,
    amount: count,
    requests: path ? undefined : [{ setupRequest: (req: object) => ({ ...req, path: paths[view++] }) }],
  } as autocannon.Options)) as unknown as autocannon.Result;
  console.log(label, Math.round(r.requests.average), "req/s", "p50", r.latency.p50, "non2xx", r.non2xx);
};
await run("warm first views", 0, 500);
await run("login", 0, 2000, "/login");
const t0 = performance.now();
await run("first views", 500, N - 500);
console.log("ms per view (wall)", ((performance.now() - t0) / (N - 500)).toFixed(2));
await run("login", 0, 2000, "/login");
await app.close();
process.exit(0);
