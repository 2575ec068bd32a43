/** The customer space's URLs (docs/decisions/0015): every page of a merchant's space is under `/espace/<organisationId>`. */
export const spacePath = (organisationId: string, rest = "") => `/espace/${organisationId}${rest}`;
