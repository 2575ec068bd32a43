/**
 * A route's `headers`: passes a rate limit's Retry-After on (React Router keeps only the cookies of a route
 * without one). The root has it for refusals thrown anywhere; the forms that answer 429 themselves too.
 */
export function retryAfterHeaders({ actionHeaders, loaderHeaders, errorHeaders }: { actionHeaders: Headers; loaderHeaders: Headers; errorHeaders?: Headers }) {
  const value = errorHeaders?.get("Retry-After") ?? actionHeaders.get("Retry-After") ?? loaderHeaders.get("Retry-After");
  return value ? { "Retry-After": value } : new Headers();
}
