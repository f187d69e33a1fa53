// Lovable posts email delivery events (bounces, complaints, unsubscribes) here, signed with the
// project's LOVABLE_API_KEY. Each verified event is stored for the studio's mailing hygiene.
import { createFileRoute } from "@tanstack/react-router";
import { WebhookError, verifyWebhookRequest } from "@lovable.dev/webhooks-js";

interface EmailEvent {
  type: string;
  data: { event: string; recipient: string; message_id: string };
}

export const Route = createFileRoute("/api/public/email-events")({
  server: {
    handlers: {
      POST: async ({ request }) => {
        try {
          const { payload } = await verifyWebhookRequest<EmailEvent>({
            req: request,
            secret: process.env.LOVABLE_API_KEY,
          });
          const { supabaseAdmin } = await import("@/integrations/supabase/client.server");
          const { error } = await supabaseAdmin.from("email_events").insert({
            event: payload.data.event,
            recipient: payload.data.recipient,
            message_id: payload.data.message_id,
          });
          if (error) return Response.json({ error: error.message }, { status: 500 });
          return Response.json({ ok: true });
        } catch (error) {
          if (error instanceof WebhookError) return Response.json({ error: error.code }, { status: 401 });
          throw error;
        }
      },
    },
  },
});
