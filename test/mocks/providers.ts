import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";
import { resetSandbox, sandboxHandlers, sandboxState } from "../../integrations/sandbox";

/**
 * The provider APIs for a test file: the sandbox's msw handlers, which behave like GoCardless and Stripe.
 * Any request to another host fails the test (nothing leaves the machine).
 */
export function useProviderMocks() {
  const server = setupServer(...sandboxHandlers);
  // Only the app under test (loopback) and in-memory data: URLs (react-pdf's WASM) may go unmocked.
  const local = (url: string) => url.startsWith("data:") || new URL(url).hostname === "127.0.0.1";
  beforeAll(() => server.listen({ onUnhandledRequest: (request, print) => (local(request.url) ? undefined : print.error()) }));
  afterEach(() => server.resetHandlers());
  afterAll(() => {
    server.close();
    resetSandbox();
  });
  return { server, calls: () => sandboxState().calls };
}
