/** A short message at the top of a page: information, or an error that needs the person's attention. */
import type { ReactNode } from "react";

export function Notice({ tone = "info", children }: { readonly tone?: "info" | "error"; readonly children: ReactNode }) {
  return (
    <div className={`notice notice-${tone}`} role={tone === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}
