import { describe, expect, it } from "vitest";
import { ConfigError, completeConfig, parseEnv } from "~/lib/config.server";

const stored = () => ({ SESSION_SECRET: "s".repeat(32), ENCRYPTION_KEY: "a".repeat(64) });

describe("configuration from the environment", () => {
  it("runs on the embedded default with nothing set", () => {
    const config = completeConfig(parseEnv({}), stored);
    expect(config).toMatchObject({
      PORT: 3000,
      DATABASE_URL: "file:./data/app.db",
      APP_URL: "http://localhost:3000",
      HOST: "127.0.0.1",
      embeddedDatabase: true,
      secureCookies: false,
      localMailbox: true,
    });
  });

  it("listens on loopback by default on the embedded database, on every interface with a database server, and as told", () => {
    const shared = { SESSION_SECRET: "s".repeat(32), ENCRYPTION_KEY: "a".repeat(64) };
    expect(completeConfig(parseEnv({ DATABASE_URL: "libsql://db.example.com", ...shared }), stored).HOST).toBe("0.0.0.0");
    expect(completeConfig(parseEnv({ HOST: "0.0.0.0" }), stored).HOST).toBe("0.0.0.0");
  });

  it("believes forwarding headers only from the proxies it is told of (rate limits count clients by address)", () => {
    expect(completeConfig(parseEnv({}), stored).TRUST_PROXY).toBe("loopback");
    expect(completeConfig(parseEnv({ TRUST_PROXY: "2" }), stored).TRUST_PROXY).toBe(2);
    expect(completeConfig(parseEnv({ TRUST_PROXY: "false" }), stored).TRUST_PROXY).toBe(false);
    expect(completeConfig(parseEnv({ TRUST_PROXY: "loopback, 10.0.0.0/8" }), stored).TRUST_PROXY).toBe("loopback, 10.0.0.0/8");
    expect(() => parseEnv({ TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY: true would believe any client/);
  });

  it("names every invalid variable in one message", () => {
    try {
      parseEnv({ PORT: "eighty", DATABASE_URL: "postgres://x", ENCRYPTION_KEY: "short" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain("PORT");
      expect(message).toContain("DATABASE_URL: must start with file:, libsql://");
      expect(message).toContain("ENCRYPTION_KEY: must be 64 hex characters");
    }
  });

  it("treats empty variables as unset", () => {
    expect(parseEnv({ PORT: "", RESEND_API_KEY: "" })).toMatchObject({ PORT: 3000, RESEND_API_KEY: undefined });
  });

  it("requires shared secrets when the database is a libSQL server", () => {
    expect(() => completeConfig(parseEnv({ DATABASE_URL: "libsql://db.example.com" }), stored)).toThrow(
      /SESSION_SECRET: required.*\n.*ENCRYPTION_KEY: required/,
    );
    const config = completeConfig(
      parseEnv({
        DATABASE_URL: "libsql://db.example.com",
        SESSION_SECRET: "x".repeat(40),
        ENCRYPTION_KEY: "b".repeat(64),
        APP_URL: "https://factures.example.com/",
      }),
      () => {
        throw new Error("must not generate secrets for a shared database");
      },
    );
    expect(config).toMatchObject({ embeddedDatabase: false, secureCookies: true, APP_URL: "https://factures.example.com", localMailbox: false });
  });
});
