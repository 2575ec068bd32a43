import { Agent } from "node:https";
import { connect } from "node:net";

/**
 * GoCardless's SDK has no base-URL option: it always calls https://api-sandbox.gocardless.com (or the
 * live host). Its one way in is `proxy`, an agent handed to its HTTP client (got). This agent opens
 * every connection to the local sandbox service in plain HTTP instead; requests keep their Host header
 * (api-sandbox.gocardless.com), which is how the sandbox knows it is answering as GoCardless.
 * Used only while GoCardless has no real credentials.
 */
export class SandboxRedirectAgent extends Agent {
  constructor(private readonly target: URL) {
    super({ keepAlive: true });
  }

  override createConnection() {
    return connect(Number(this.target.port || 80), this.target.hostname);
  }
}
