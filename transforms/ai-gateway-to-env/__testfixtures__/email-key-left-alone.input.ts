// Sends the contact form through Lovable's email API (not ai.gateway.lovable.dev): the key stays.
import { sendEmail } from "@lovable.dev/email-js";

export async function notifyOwner(message: string) {
  const apiKey = process.env["LOVABLE_API_KEY"];
  if (!apiKey) throw new Error("LOVABLE_API_KEY is not set");
  await sendEmail({ apiKey, to: "owner@example.com", subject: "New message", text: message });
}
