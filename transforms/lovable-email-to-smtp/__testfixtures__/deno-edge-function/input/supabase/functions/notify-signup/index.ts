import { sendLovableEmail } from "npm:@lovable.dev/email-js@0.3.0";

Deno.serve(async (req) => {
  const { email } = await req.json();
  await sendLovableEmail(
    { to: email, from: "Harbor Yoga <noreply@notify.harboryoga.studio>", subject: "Welcome!", html: "<p>Welcome aboard.</p>", text: "Welcome aboard.", purpose: "transactional" },
    { apiKey: Deno.env.get("LOVABLE_API_KEY") ?? "" },
  );
  return new Response("ok");
});
