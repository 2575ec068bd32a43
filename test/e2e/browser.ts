import { chromium, type Page } from "playwright-core";

/** Debian's Chromium, headless, with nothing that would reach outside the machine. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Adds every Content-Security-Policy violation the page reports (Chromium logs each one) to `into`; answers the page. */
export function watchPolicy(page: Page, into: string[]): Page {
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) into.push(`${page.url()}: ${message.text()}`);
  });
  return page;
}

/** Resolves once React Router has hydrated the page (its inline scripts ran: the nonce was accepted). */
export function hydrated(page: Page) {
  return page.waitForFunction(() => "__reactRouterRouteModules" in window && "__reactRouterContext" in window, undefined, { timeout: 10_000 });
}
