import { sendLovableEmail } from "npm:@lovable.dev/email-js@0.3.0";

Deno.serve(async (req) => {
  const { email } = await req.json();
  // ownit-todo: sendLovableEmail from @lovable.dev/email-js calls Lovable's service from this edge function, which stops working off Lovable: send through your SMTP provider instead
  await sendLovableEmail(
    { to: email, from: "Harbor Yoga <noreply@notify.harboryoga.studio>", subject: "Welcome!", html: "<p>Welcome aboard.</p>", text: "Welcome aboard.", purpose: "transactional" },
    { apiKey: Deno.env.get("LOVABLE_API_KEY") ?? "" },
  );
  return new Response("ok");
});
