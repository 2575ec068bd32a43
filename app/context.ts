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
}

declare module "react-router" {
  interface AppLoadContext extends AppServices {}
}
