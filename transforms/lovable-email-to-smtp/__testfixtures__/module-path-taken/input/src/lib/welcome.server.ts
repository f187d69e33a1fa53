import { sendLovableEmail } from "@lovable.dev/email-js";

export const welcome = (to: string) =>
  sendLovableEmail({ to, from: "hi@example.com", subject: "Welcome", html: "<p>Hi</p>", text: "Hi" }, { apiKey: process.env["LOVABLE_API_KEY"] ?? "" });
