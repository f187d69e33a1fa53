import { createFileRoute } from "@tanstack/react-router";
import { createAuthEmailHandler } from "@lovable.dev/email-js";
import { authEmails } from "@/lib/auth-emails";

// ownit-todo: createAuthEmailHandler from @lovable.dev/email-js calls Lovable's service, which stops working off Lovable: replace it with your own provider
const handle = createAuthEmailHandler({
  apiKey: process.env.LOVABLE_API_KEY ?? "",
  from: { name: "Harbor Yoga", address: "noreply@notify.harboryoga.studio" },
  emails: authEmails,
});

export const Route = createFileRoute("/api/auth-email")({
  server: { handlers: { POST: ({ request }) => handle(request) } },
});
