import { fecEntries, fecFile, fecFileName, periodOf, sirenOf } from "~/domain/journal/fec";
import { asResource, httpError } from "~/lib/http.server";
import { requireMember, resolveLocale } from "~/lib/session.server";
import type { Route } from "./+types/journal-fec";

export function loader({ request, context }: Route.LoaderArgs) {
  return asResource(
    () => resolveLocale(request, context),
    async () => {
      const { organisation } = await requireMember(request, context, "viewBooks");
      const siren = sirenOf(organisation.siret);
      if (!siren) httpError(409, "journal.export.sirenNeeded");
      const { from, to } = periodOf(new URL(request.url)) ?? httpError(400, "errors.invalid");
      const file = fecFile(await fecEntries(context.db, organisation.id, from, to));
      return new Response(new Uint8Array(file), {
        headers: {
          "Content-Type": "text/plain; charset=iso-8859-15",
          "Content-Disposition": `attachment; filename="${fecFileName(siren, to)}"`,
          "Cache-Control": "private, no-store",
        },
      });
    },
  );
}
