import { archivedBytes } from "~/domain/imports/service";
import { asResource, notFound } from "~/lib/http.server";
import { requireMember, resolveLocale } from "~/lib/session.server";
import type { Route } from "./+types/import-file";

/** The archived file, byte for byte as it was imported; another organisation's is a 404. */
export function loader({ request, params, context }: Route.LoaderArgs) {
  return asResource(
    () => resolveLocale(request, context),
    async () => {
      const { organisation } = await requireMember(request, context, "importPayments");
      const file = (await archivedBytes({ db: context.db, encryptionKey: context.config.ENCRYPTION_KEY }, organisation.id, params.importId)) ?? notFound();
      return new Response(new Uint8Array(file.bytes), {
        headers: {
          "Content-Type": file.kind === "camt053" ? "application/xml" : "text/csv",
          "Content-Disposition": `attachment; filename="${file.fileName.replace(/[^\w.-]/g, "_")}"`,
          "Cache-Control": "private, no-store",
        },
      });
    },
  );
}
