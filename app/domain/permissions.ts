export const ROLES = ["owner", "admin", "member", "accountant"] as const;
export type Role = (typeof ROLES)[number];

const grants = {
  manageOrganisation: ["owner", "admin"],
  manageMembers: ["owner", "admin"],
  connectProviders: ["owner", "admin"],
  /** Money going back out (refunds) is decided by those who connected the providers. */
  managePayments: ["owner", "admin"],
  /** Kiosk and bank files read into recorded payments (issue 16): the accountant's work too. */
  importPayments: ["owner", "admin", "accountant"],
  editCustomers: ["owner", "admin", "member"],
  editInvoices: ["owner", "admin", "member"],
  viewInvoices: ["owner", "admin", "member", "accountant"],
  /** The books (issue 16): the draft cash-receipts journal, the entries, the FEC. */
  viewBooks: ["owner", "admin", "accountant"],
  /** Posting, validating and reversing entries: the accountant's work. */
  postEntries: ["owner", "admin", "accountant"],
  /** Own-ICS debit files for the bank, and the rejects the bank reports: the accountant's work too (seed 002). */
  manageDebitFiles: ["owner", "admin", "accountant"],
  /** Journal codes and accounts of the chart. */
  manageAccounting: ["owner", "admin", "accountant"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof grants;

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(role: string, permission: Permission): boolean {
  return (grants[permission] as readonly string[]).includes(role);
}

/** Only an owner may make someone else an owner. */
export function canGrantRole(granterRole: string, role: Role): boolean {
  return can(granterRole, "manageMembers") && (role !== "owner" || granterRole === "owner");
}
