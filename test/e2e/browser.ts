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
/** Collects what the page's scripts report as errors (a hydration mismatch shows here; a missing resource is not a script error). */
export function watchConsoleErrors(page: Page, into: string[]): Page {
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) into.push(message.text());
  });
  page.on("pageerror", (error) => into.push(error.message));
  return page;
}

export function hydrated(page: Page) {
  return page.waitForFunction(() => "__reactRouterRouteModules" in window && "__reactRouterContext" in window, undefined, { timeout: 10_000 });
}

/** The local mailbox lists what the worker delivered: opened again until the email named `subject` is there; answers its link. */
export async function openMailbox(page: Page, baseUrl: string, subject: string) {
  const link = page.getByRole("link", { name: subject }).first();
  for (let tries = 0; tries < 40; tries++) {
    await page.goto(`${baseUrl}/mailbox`);
    if (await link.count()) return link;
    await page.waitForTimeout(250);
  }
  throw new Error(`no email "${subject}" in the mailbox`);
}

/** Signs up through the form, then follows the link of the confirmation email from the local mailbox, as a person would. */
export async function signUpInBrowser(page: Page, baseUrl: string, fields: { name: string; email: string; password: string; organisationName: string }) {
  await page.goto(`${baseUrl}/signup`);
  await hydrated(page);
  for (const [name, value] of Object.entries(fields)) await page.fill(`input[name=${name}]`, value);
  await page.getByRole("button", { name: "Créer un compte" }).click();
  await page.getByText(`Vérifiez votre boîte mail : un e-mail vient de partir vers ${fields.email}.`).waitFor();
  await (await openMailbox(page, baseUrl, "Confirmez la création de votre compte")).click();
  const text = await page.getByTestId("email-text").innerText();
  await page.goto(/https?:\/\/\S+\/signup\/[\w-]+/.exec(text)![0]);
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await page.waitForURL(/\/settings\/organisation/);
}
