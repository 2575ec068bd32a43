import { journalCsv, periodOf } from "~/domain/journal/fec";
import { translator } from "~/i18n";
import { asResource, httpError } from "~/lib/http.server";
import { requireMember, resolveLocale } from "~/lib/session.server";
import type { Route } from "./+types/journal-csv";

/** The books' entries of a period, posted or validated, as a CSV for other accounting software. */
export function loader({ request, context }: Route.LoaderArgs) {
  return asResource(
    () => resolveLocale(request, context),
    async () => {
      const { organisation } = await requireMember(request, context, "viewBooks");
      const locale = await resolveLocale(request, context);
      const t = translator(locale);
      const { from, to } = periodOf(new URL(request.url)) ?? httpError(400, "errors.invalid");
      const entries = await context.db.journalEntry.findMany({
        where: { organisationId: organisation.id, date: { gte: from, lte: to } },
        orderBy: [{ date: "asc" }, { journalCode: "asc" }, { number: "asc" }],
        include: { lines: { orderBy: { position: "asc" } } },
      });
      const headers = (["date", "journal", "number", "piece", "account", "aux", "auxName", "label", "debit", "credit", "currency", "validated"] as const).map(
        (column) => t(`journal.csv.${column}`),
      );
      const csv = journalCsv(entries, headers, locale);
      const name = `journal-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv`;
      return new Response(csv, {
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="${name}"`,
          "Cache-Control": "private, no-store",
        },
      });
    },
  );
}
