// After ai-gateway-to-env ran: it renamed every LOVABLE_API_KEY read to AI_API_KEY, this file included.
import { createFileRoute } from "@tanstack/react-router";
import { sendLovableEmail } from "@lovable.dev/email-js";
import { verifyWebhookRequest } from "@lovable.dev/webhooks-js";

export const Route = createFileRoute("/api/bounce")({
  server: {
    handlers: {
      POST: async ({ request }) => {
        const { payload } = await verifyWebhookRequest<{ data: { recipient: string } }>({ req: request, secret: process.env.AI_API_KEY ?? "" });
        const key = process.env.AI_API_KEY;
        if (key) await sendLovableEmail({ to: "ops@harboryoga.studio", from: "bounces@harboryoga.studio", subject: "Bounce", html: payload.data.recipient, text: payload.data.recipient }, { apiKey: key });
        return new Response("ok");
      },
    },
  },
});
