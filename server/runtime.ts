import path from "node:path";
import { ConfigError, completeConfig, parseEnv, type Config } from "~/lib/config.server";
import { createLogger } from "~/lib/logger.server";
import { loadOrCreateSecrets } from "./secrets";

/** What every process (web, worker, sandbox, launcher) starts from: the validated configuration and a logger. */
export function loadRuntime(processName: string) {
  let config: Config;
  try {
    config = completeConfig(parseEnv(process.env), () => loadOrCreateSecrets(path.resolve("data")));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL).child({ process: processName });
  return { config, logger };
}

/** Runs `stop` on SIGTERM/SIGINT, then exits; a stop that hangs is cut short after 5 s. */
export function onShutdown(logger: ReturnType<typeof createLogger>, stop: () => Promise<unknown>) {
  let stopping = false;
  // A signal may come twice (to the process group, and forwarded by npm start): the second must not cut
  // the first's orderly stop short, as the default action would.
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    setTimeout(() => process.exit(0), 5000).unref();
    void stop().finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
