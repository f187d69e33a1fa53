import { sendLovableEmail } from "@lovable.dev/email-js";

export const welcome = (to: string) =>
  // ownit-todo: sendLovableEmail from @lovable.dev/email-js calls Lovable's service, which stops working off Lovable: replace it with your own provider
  sendLovableEmail({ to, from: "hi@example.com", subject: "Welcome", html: "<p>Hi</p>", text: "Hi" }, { apiKey: process.env["LOVABLE_API_KEY"] ?? "" });
