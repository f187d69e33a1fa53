import { createClientFromRequest } from "npm:@base44/sdk@0.8.6";

export default Deno.serve(async (req) => {
  const base44 = createClientFromRequest(req);
  const { email } = await req.json();
  const key = Deno.env.get("INVITE-KEY");
  await base44.asServiceRole.entities.Invite.create({ email, key });
  return Response.json({ ok: true });
});
