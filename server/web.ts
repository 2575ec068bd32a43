/**
 * The web process (npm run web): pages, forms, the public consultation page and the webhook endpoint.
 * Background work is the worker process's (server/worker.ts); any number of both can share the database.
 */
import { createServer as createHttpServer } from "node:http";
import path from "node:path";
import type { ServerBuild } from "react-router";
import { createDb } from "~/lib/db.server";
import { createProviders } from "../integrations";
import { createServer } from "./app";
import { loadRuntime, onShutdown } from "./runtime";

const { config, logger } = loadRuntime("web");
const db = createDb(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
const providers = createProviders(config);
const build = (await import(path.resolve("build/server/index.js"))) as ServerBuild;
const server = createHttpServer(createServer({ build, db, providers, config, logger }));
// Clients and proxies keep idle connections for a while and reuse them: the server must not close one
// under them (Node's default is 5 s; a client that reuses a connection at that moment sees it closed).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(config.PORT, config.HOST, () => logger.info({ url: config.APP_URL, port: config.PORT }, "listening"));

onShutdown(logger, async () => {
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections(); // kept-alive connections would hold the close for their 65 s
  await closed;
  await db.$disconnect();
});
