import { debitFileXml } from "~/domain/debit-files/service";
import { asResource, notFound } from "~/lib/http.server";
import { requireMember, resolveLocale } from "~/lib/session.server";
import type { Route } from "./+types/debit-file";

/** A generated pain.008 file, to hand to the bank; another organisation's is a 404. */
export function loader({ request, params, context }: Route.LoaderArgs) {
  return asResource(
    () => resolveLocale(request, context),
    async () => {
      const { organisation } = await requireMember(request, context, "manageDebitFiles");
      const file = (await debitFileXml({ db: context.db, encryptionKey: context.config.ENCRYPTION_KEY }, organisation.id, params.debitFileId)) ?? notFound();
      return new Response(file.xml, {
        headers: {
          "Content-Type": "application/xml; charset=utf-8",
          "Content-Disposition": `attachment; filename="${file.fileName}"`,
          "Cache-Control": "private, no-store",
        },
      });
    },
  );
}
