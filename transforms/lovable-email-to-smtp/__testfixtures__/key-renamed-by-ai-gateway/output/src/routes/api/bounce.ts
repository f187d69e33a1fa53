// After ai-gateway-to-env ran: it renamed every LOVABLE_API_KEY read to AI_API_KEY, this file included.
import { createFileRoute } from "@tanstack/react-router";
import { sendEmail } from "@/lib/smtp-email.server";
import { verifyWebhookRequest } from "@/lib/signed-webhooks.server";

export const Route = createFileRoute("/api/bounce")({
  server: {
    handlers: {
      POST: async ({ request }) => {
        const { payload } = await verifyWebhookRequest<{ data: { recipient: string } }>({ req: request, secret: process.env.WEBHOOK_SECRET ?? "" });
        // ownit-todo: this read LOVABLE_API_KEY, the key for Lovable's email API, which this code no longer calls: email goes through SMTP_* now (smtp-email.server.ts); drop this check
        const key = process.env.AI_API_KEY;
        if (key) await sendEmail({ to: "ops@harboryoga.studio", from: "bounces@harboryoga.studio", subject: "Bounce", html: payload.data.recipient, text: payload.data.recipient });
        return new Response("ok");
      },
    },
  },
});
