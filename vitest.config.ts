import { defineConfig } from "vitest/config";

// No React Router plugin here: integration tests drive the production build through the real HTTP server.
export default defineConfig({
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    exclude: ["test/e2e/**"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
