import { notFound } from "~/lib/http.server";

export function loader() {
  return notFound();
}

export function action() {
  return notFound();
}

export default function NotFound() {
  return null;
}
