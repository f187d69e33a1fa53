// Saves a contact message and emails it to the studio through Lovable's managed email.
// Server-only: it reads LOVABLE_API_KEY and the service-role client.
import { EmailAPIError, sendLovableEmail } from "@lovable.dev/email-js";
import { supabaseAdmin } from "@/integrations/supabase/client.server";

const STUDIO_INBOX = "hello@harboryoga.studio";
const SENDER_DOMAIN = "notify.harboryoga.studio";

export interface ContactMessage {
  name: string;
  email: string;
  message: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function saveAndNotify(contact: ContactMessage): Promise<{ emailed: boolean }> {
  const { error } = await supabaseAdmin.from("contact_messages").insert(contact);
  if (error) throw new Error(`Could not save the message: ${error.message}`);

  const apiKey = process.env.LOVABLE_API_KEY;
  if (!apiKey) {
    console.warn("[contact] LOVABLE_API_KEY is not set: message saved, no email sent");
    return { emailed: false };
  }

  try {
    await sendLovableEmail(
      {
        to: STUDIO_INBOX,
        from: { name: "Harbor Yoga website", address: `noreply@${SENDER_DOMAIN}` },
        sender_domain: SENDER_DOMAIN,
        reply_to: contact.email,
        subject: `New message from ${contact.name}`,
        html: `<p>${escapeHtml(contact.message)}</p><p>— ${escapeHtml(contact.name)} (${escapeHtml(contact.email)})</p>`,
        text: `${contact.message}\n\n— ${contact.name} (${contact.email})`,
        purpose: "transactional",
        label: "contact-form",
        idempotency_key: crypto.randomUUID(),
      },
      { apiKey, sendUrl: process.env.LOVABLE_SEND_URL },
    );
    return { emailed: true };
  } catch (error) {
    if (error instanceof EmailAPIError && error.code === "recipient_suppressed") return { emailed: false };
    throw error;
  }
}
