/** The customer space's URLs (docs/decisions/0015): every page of a merchant's space is under `/espace/<organisationId>`. */
export const spacePath = (organisationId: string, rest = "") => `/espace/${organisationId}${rest}`;

/**
 * The space's home. Not `/espace/<organisationId>` itself: the session cookie's path is that, and React
 * Router fetches that page's data from `/espace/<organisationId>.data`, which the browser does not count
 * as under the cookie's path. Without the cookie, the home sent to the login page and the login page
 * (signed in) back to the home, for ever. `/espace/<organisationId>` stays the space's address and
 * redirects here (routes/space-index.tsx).
 */
export const spaceHome = (organisationId: string) => spacePath(organisationId, "/compte");
