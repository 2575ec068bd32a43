import type { Throttles } from "~/domain/throttling";
import type { Config } from "~/lib/config.server";
import type { Db } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";
import type { Providers } from "../integrations";

/** What the server hands every loader and action: dependencies are passed in, never imported as singletons. */
export interface AppServices {
  db: Db;
  providers: Providers;
  config: Config;
  log: Logger;
  requestId: string;
  /** The token every mutating form must carry (bound to this browser's CSRF cookie). */
  csrfToken: string;
  /** Rate limits shared by every web process (app/domain/throttling.ts). */
  throttles: Throttles;
  /** Who is asking, for rate limits: the client's address as the trusted proxies report it (an IPv6 /64). */
  clientIp: string;
  /** This answer's Content-Security-Policy nonce: inline scripts without it do not run (server/security-headers.ts). */
  cspNonce: string;
}

declare module "react-router" {
  interface AppLoadContext extends AppServices {}
}
