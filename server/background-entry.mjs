// The background thread runs TypeScript like the server does (tsx), which a worker must register itself.
import { register } from "tsx/esm/api";

register();
await import("./background.ts");
